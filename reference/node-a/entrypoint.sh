#!/bin/sh
# Node A boot: TLS certificate, htpasswd (bcrypt) user, Docker Distribution on 5000, then the expected
# challenge images built here and pushed into it (no Docker daemon: `arena challenge` speaks the
# registry API). ARENA_MUTANT switches exactly one defect on (see reference/mutants.ts).
set -eu
. /usr/local/lib/arena/fleet-sshd.sh
mutant="${ARENA_MUTANT:-}"
user=ctf
challenges=web-warmup,pwn-echo
log() { echo "[node-a] $*"; }

mkdir -p /etc/arena /var/lib/arena /var/lib/docker-registry /var/log/arena
umask 077
write_env() { # [key to leave out]
  {
    echo "ARENA_REGISTRY_URL=https://127.0.0.1:5000"
    echo "ARENA_REGISTRY_USER=${user}"
    echo "ARENA_REGISTRY_PASSWORD=${ARENA_REGISTRY_PASSWORD}"
    echo "ARENA_REGISTRY_CA=/etc/arena/tls.crt"
    echo "ARENA_CHALLENGES=${challenges}"
  } | grep -v "^${1:-none}=" > /etc/arena/arena.env
}
write_env

days=90
[ "$mutant" = registry-cert-expiring ] && days=3
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=arena-a" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:$(hostname)" \
  -keyout /etc/arena/tls.key -out /etc/arena/tls.crt 2>/dev/null

# The password reaches htpasswd on stdin (-i), never on a command line.
set_password() { printf '%s\n' "$1" | htpasswd -iBc /etc/arena/htpasswd "$user" 2>/dev/null; }
set_password "$ARENA_REGISTRY_PASSWORD"
cat > /etc/arena/registry.yml <<EOF
version: 0.1
log: { level: warn, accesslog: { disabled: true } }
storage:
  filesystem: { rootdirectory: /var/lib/docker-registry }
  delete: { enabled: true }
http:
  addr: :5000
  secret: $(openssl rand -hex 16)
  tls: { certificate: /etc/arena/tls.crt, key: /etc/arena/tls.key }
auth:
  htpasswd: { realm: arena-registry, path: /etc/arena/htpasswd }
EOF
umask 022

start_registry() {
  docker-registry serve /etc/arena/registry.yml >>/var/log/arena/registry.log 2>&1 &
  registry_pid=$!
  arena registry wait --timeout 30 --json >/dev/null
}
start_registry

# The runbook's step for A: build and push each challenge image (challenge-missing: one is never pushed).
for slug in $(echo "$challenges" | tr , ' '); do
  arena challenge build "$slug" >/dev/null
  if [ "$mutant" = challenge-missing ] && [ "$slug" = pwn-echo ]; then continue; fi
  arena challenge push "$slug" --json >/dev/null
done

case "$mutant" in
  # The password was rotated on the registry; the deployment (and the profile) still has the old one.
  registry-auth-broken) set_password "rotated-$(openssl rand -hex 12)"; kill "$registry_pid"; wait "$registry_pid" || true; start_registry ;;
  registry-down) kill "$registry_pid"; wait "$registry_pid" || true ;;
  registry-env-missing-var) write_env ARENA_REGISTRY_CA ;;
  registry-binary-missing) rm -f /usr/bin/docker-registry /usr/bin/openssl ;;
  registry-disk-full) dd if=/dev/zero of=/var/lib/docker-registry/filler bs=1M count=60 2>/dev/null || true ;;
  registry-memory-hog) python3 -c 'import time; hog = bytearray(750 * 1024 * 1024); [hog.__setitem__(i, 1) for i in range(0, len(hog), 4096)]; time.sleep(10**9)' & ;;
esac

start_fleet_sshd
unset ARENA_REGISTRY_PASSWORD
log "ready${mutant:+ (mutant $mutant)}"
# The registry is the node's service: the container lives as long as it does (registry-down: idles).
if [ "$mutant" = registry-down ]; then exec sleep infinity; fi
wait "$registry_pid"
