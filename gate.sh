#!/usr/bin/env bash
# fleetgate's entry point. Exit codes as in the gate contract; 3 when set-up fails (nothing was judged).
# On a fresh machine it first installs what it needs (npm packages, Docker,
# debootstrap, xmllint), then runs the gate on Node 24 from node_modules.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "fleetgate: installing npm dependencies (first run)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2 || { echo "fleetgate: npm ci failed; nothing was run" >&2; exit 3; }
fi
# Host prerequisites are only needed when the embedded reference stack is used.
case " $* " in
  *" --profile "*|*" --profile="*|*" --list "*|*" --help "*|*" -h "*) ;;
  *) bash reference/setup-host.sh >&2 || { echo "fleetgate: host setup failed (see above); nothing was run" >&2; exit 3; } ;;
esac
export TESTCONTAINERS_RYUK_DISABLED=true
exec node_modules/.bin/node cli/main.ts "$@"
