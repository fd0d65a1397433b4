#!/usr/bin/env bash
# Host prerequisites for the reference stack and fleetgate's tests: Debian packages and a running dockerd.
# Idempotent and quiet when everything is already there.
#   --tests    also what fleetgate's own tests need (Ansible, Chromium)
#   --browser  only Debian's chromium, for the appearance suite (the gate asks for it when that suite is selected)
set -euo pipefail
need=()
# The appearance suite drives a headless Chromium (helpers/browser.ts; FLEETGATE_CHROMIUM names another binary).
need_browser() { [ -n "${FLEETGATE_CHROMIUM:-}" ] || [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 || need+=(chromium); }
install_needed() {
  [ ${#need[@]} -gt 0 ] || return 0
  [ "$(id -u)" = 0 ] || { echo "setup-host: need root to install: ${need[*]}" >&2; exit 1; }
  echo "setup-host: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
if [ "${1:-}" = --browser ]; then need_browser; install_needed; exit 0; fi
command -v docker >/dev/null 2>&1 && command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v bats >/dev/null 2>&1 || need+=(bats)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
# fleetgate's own tests (--tests) also drive the fleet playbook (fleet/gate.yml): Debian's Ansible,
# which carries community.docker.
if [ "${1:-}" = --tests ]; then command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible); need_browser; fi
install_needed
if ! docker info >/dev/null 2>&1; then
  echo "setup-host: starting dockerd" >&2
  nohup dockerd >/var/log/fleetgate-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "setup-host: dockerd did not start; see /var/log/fleetgate-dockerd.log" >&2; exit 1; }
fi
