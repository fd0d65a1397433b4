#!/usr/bin/env bash
# fleetgate's entry point. On a fresh machine it first installs what it needs (npm packages, Docker,
# debootstrap, xmllint), then runs the gate on Node 24 from node_modules. Paths given as options are
# relative to where you run it from. Exit codes as in the gate contract; 3 when set-up fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ ! -x "$here/node_modules/.bin/node" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "fleetgate: installing npm dependencies (first run)" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "fleetgate: npm ci failed; nothing was run" >&2; exit 3; }
fi
# Host prerequisites are only needed when the embedded reference stack is started.
case " $* " in
  *" --profile "*|*" --profile="*|*" --list "*|*" --help "*|*" -h "*) ;;
  *) bash "$here/reference/setup-host.sh" >&2 || { echo "fleetgate: host setup failed (see above); nothing was run" >&2; exit 3; } ;;
esac
export TESTCONTAINERS_RYUK_DISABLED=true
exec "$here/node_modules/.bin/node" "$here/cli/main.ts" "$@"
