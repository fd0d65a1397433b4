#!/usr/bin/env bash
# fleetgate's entry point. On a fresh machine it first installs what it needs (npm packages, Docker,
# debootstrap, xmllint), then runs the gate on Node 24 from node_modules. Paths given as options are
# relative to where you run it from. Exit codes as in the gate contract; 3 when set-up fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# From a bundle (manifest.json beside this script; cli/bundle/README.md): no npm, no host set-up, only the
# bundle's own Node, and every file checked against the manifest first. A damaged bundle is exit 3.
if [ -f "$here/manifest.json" ]; then
  refuse() { echo "fleetgate: bundle $here is damaged or was changed: $1; nothing was run (unpack it again from a tarball that passes sha256sum -c)" >&2; exit 3; }
  sums="$(sed -n 's/^    "\([^"]*\)": "\([0-9a-f]\{64\}\)",\{0,1\}$/\2  \1/p' "$here/manifest.json")"
  count="$(sed -n 's/^  "fileCount": \([0-9][0-9]*\),$/\1/p' "$here/manifest.json")"
  [ -n "$count" ] && [ "$(printf '%s\n' "$sums" | grep -c .)" = "$count" ] || refuse "manifest.json is incomplete"
  failed="$(cd "$here" && printf '%s\n' "$sums" | LC_ALL=C sha256sum --check --quiet --strict 2>/dev/null | grep ': FAILED' || true)"
  [ -z "$failed" ] || refuse "$(printf '%s\n' "$failed" | head -n 1 | sed 's/: FAILED open or read$/ is missing/; s/: FAILED$/ does not match its checksum/') ($(printf '%s\n' "$failed" | grep -c .) of $count files)"
  case " $* " in
    *" --profile "*|*" --profile="*|*" --list "*|*" --help "*|*" -h "*) ;;
    *) echo "fleetgate: a bundle runs the gate against the node it is on: give --profile FILE (the embedded reference stack is not bundled)" >&2; exit 2 ;;
  esac
  # Caches, Vite's and Vitest's temporary files and (by default) reports go here; the bundle may be read-only.
  export FLEETGATE_WORK_DIR="${FLEETGATE_WORK_DIR:-/var/tmp/fleetgate-$EUID}"
  (umask 077 && mkdir -p "$FLEETGATE_WORK_DIR/tmp") || { echo "fleetgate: cannot create the work directory $FLEETGATE_WORK_DIR (set FLEETGATE_WORK_DIR); nothing was run" >&2; exit 3; }
  # Node's compile cache: each iteration's Vitest worker compiles the same modules again without it.
  export TMPDIR="$FLEETGATE_WORK_DIR/tmp" XDG_DATA_HOME="${XDG_DATA_HOME:-$FLEETGATE_WORK_DIR/data}" \
    VITEST_FS_MODULE_CACHE_PATH="$FLEETGATE_WORK_DIR/vitest-cache" NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$FLEETGATE_WORK_DIR/node-compile-cache}"
  # A small young generation, and two malloc arenas instead of one per thread (Vitest's worker, V8's and
  # libuv's threads): about 20 MiB less, and the gate's memory on a node stays under 200 MiB (npm run bench).
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
  exec "$here/runtime/node" --max-semi-space-size=1 "$here/cli/main.ts" "$@"
fi

if [ ! -x "$here/node_modules/.bin/node" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "fleetgate: installing npm dependencies (first run)" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "fleetgate: npm ci failed; nothing was run" >&2; exit 3; }
fi
# `./gate.sh bundle [--role R] [--out DIR]` builds a bundle (cli/bundle/); everything else is the gate.
[ "${1:-}" = bundle ] && { shift; exec "$here/node_modules/.bin/node" --disable-warning=ExperimentalWarning "$here/cli/bundle/main.ts" "$@"; }
# Host prerequisites are only needed when the embedded reference stack is started.
case " $* " in
  *" --profile "*|*" --profile="*|*" --list "*|*" --help "*|*" -h "*) ;;
  *) bash "$here/reference/setup-host.sh" >&2 || { echo "fleetgate: host setup failed (see above); nothing was run" >&2; exit 3; } ;;
esac
# The appearance suite needs a browser on this machine (Debian's chromium), profile or not.
case " $* " in
  *" --suite appearance "*|*" --suite=appearance "*) bash "$here/reference/setup-host.sh" --browser >&2 || { echo "fleetgate: installing chromium failed (see above); nothing was run" >&2; exit 3; } ;;
esac
export TESTCONTAINERS_RYUK_DISABLED=true
# Node's compile cache (V8 code for every module): a faster start, and each iteration's Vitest worker
# does not compile the same modules again (npm run bench: about 0.4 s of 2 s for 5 iterations).
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$here/node_modules/.cache/node-compile-cache}"
exec "$here/node_modules/.bin/node" "$here/cli/main.ts" "$@"
