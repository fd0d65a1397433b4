#!/bin/sh
# Node B boot: write the deployment's env file, start PostgreSQL and Redis, bootstrap, serve the API.
# ARENA_MUTANT switches exactly one defect on (see reference/mutants.ts).
set -eu
. /usr/local/lib/arena/fleet-sshd.sh
mutant="${ARENA_MUTANT:-}"

mkdir -p /etc/arena /var/lib/arena
umask 077
{
  echo "ARENA_DB_HOST=127.0.0.1"
  echo "ARENA_DB_PORT=5432"
  echo "ARENA_DB_NAME=arena"
  echo "ARENA_DB_USER=arena"
  echo "ARENA_DB_PASSWORD=${ARENA_DB_PASSWORD}"
  echo "ARENA_REDIS_URL=redis://:${ARENA_REDIS_PASSWORD}@127.0.0.1:6379/0"
  [ "$mutant" = env-missing-var ] || echo "ARENA_SESSION_SECRET=${ARENA_SESSION_SECRET}"
  echo "ARENA_PUBLIC_URL=${ARENA_PUBLIC_URL:-http://127.0.0.1:8080}"
  # The bootstrap admin (seeded by `arena db bootstrap`) and the token node C presents for the VPN state.
  echo "ARENA_ADMIN_EMAIL=${ARENA_ADMIN_EMAIL:-admin@arena.local}"
  echo "ARENA_ADMIN_PASSWORD=${ARENA_ADMIN_PASSWORD:-}"
  echo "ARENA_VPN_STATE_TOKEN=${ARENA_VPN_STATE_TOKEN:-}"
} > /etc/arena/arena.env
# Instances: sibling containers pulled from node A's registry (ARENA_REGISTRY, as the host's Docker daemon
# reaches it) through the host's Docker socket; labels the deployment wants on each (FLEETGATE_RUN_LABELS).
{
  echo "ARENA_REGISTRY=${ARENA_REGISTRY:-}"
  echo "ARENA_REGISTRY_USER=${ARENA_REGISTRY_USER:-ctf}"
  echo "ARENA_REGISTRY_PASSWORD=${ARENA_REGISTRY_PASSWORD:-}"
  echo "ARENA_CHALLENGES=${ARENA_CHALLENGES:-web-warmup,pwn-echo}"
  echo "ARENA_INSTANCE_TTL=${ARENA_INSTANCE_TTL:-3600}"
  echo "ARENA_RECONCILE_INTERVAL=${ARENA_RECONCILE_INTERVAL:-30}"
  echo "ARENA_INSTANCE_LABELS=${FLEETGATE_RUN_LABELS:-}"
  echo "ARENA_SERVICE_TOKEN=${ARENA_SERVICE_TOKEN:-}"
} > /etc/arena/instances.env
# The mail outbox: its worker, retry policy and the local SMTP sink (small values: a dead letter within seconds).
{
  echo "ARENA_MAIL_WORKER_INTERVAL=${ARENA_MAIL_WORKER_INTERVAL:-0.5}"
  echo "ARENA_MAIL_MAX_ATTEMPTS=${ARENA_MAIL_MAX_ATTEMPTS:-3}"
  echo "ARENA_MAIL_BACKOFF_BASE=${ARENA_MAIL_BACKOFF_BASE:-0.25}"
  echo "ARENA_MAIL_BACKOFF_MAX=${ARENA_MAIL_BACKOFF_MAX:-2}"
  echo "ARENA_SMTP_HOST=127.0.0.1"
  echo "ARENA_SMTP_PORT=2525"
  echo "ARENA_MAIL_FROM=arena@arena.local"
  echo "ARENA_MAIL_SINK_FILE=/var/lib/arena/mail-sink.jsonl"
  echo "ARENA_MAIL_SINK_REJECT_DOMAINS=${ARENA_MAIL_SINK_REJECT_DOMAINS:-undeliverable.test}"
  echo "ARENA_MAIL_SINK_DEFER_DOMAINS=${ARENA_MAIL_SINK_DEFER_DOMAINS:-deferred.test}"
} > /etc/arena/mail.env

days=90
[ "$mutant" = cert-expiring ] && days=3
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=arena-b" \
  -keyout /etc/arena/tls.key -out /etc/arena/tls.crt 2>/dev/null
umask 022

if [ "$mutant" != db-down ]; then
  pg_ctlcluster 15 main start
  until su postgres -c "pg_isready -q"; do sleep 0.2; done
  # The password arrives through a psql variable, never on a command line.
  su postgres -c "psql -q -v ON_ERROR_STOP=1 -v pw=\"\$ARENA_DB_PASSWORD\"" <<'SQL'
ALTER ROLE arena PASSWORD :'pw';
SQL
fi

if [ "$mutant" != redis-down ]; then
  printf 'bind 0.0.0.0\nport 6379\nrequirepass %s\ndaemonize yes\nsave ""\n' "$ARENA_REDIS_PASSWORD" > /etc/arena/redis.conf
  chmod 600 /etc/arena/redis.conf
  redis-server /etc/arena/redis.conf
fi

case "$mutant" in
  binary-missing) rm -f /usr/bin/redis-cli ;;
  disk-full) dd if=/dev/zero of=/var/lib/arena/filler bs=1M count=60 2>/dev/null || true ;;
  memory-hog) python3 -c 'import time; hog = bytearray(750 * 1024 * 1024); [hog.__setitem__(i, 1) for i in range(0, len(hog), 4096)]; time.sleep(10**9)' & ;;
esac

[ "$mutant" = db-down ] || arena db bootstrap --json
if [ "$mutant" = db-credential-rotated ]; then
  # After a good bootstrap, someone rotated the database password and nobody updated the deployment's secrets.
  su postgres -c "psql -q -v ON_ERROR_STOP=1 -c \"ALTER ROLE arena PASSWORD 'rotated-$(date +%s%N)'\""
fi

# outdated-binaries: each tool still works but reports a version below what the profile requires.
fake_version() { # <path> <version flag> <banner>
  mv "$1" "$1.real"
  printf '#!/bin/sh\n[ "$1" = "%s" ] && { echo "%s"; exit 0; }\nexec "%s.real" "$@"\n' "$2" "$3" "$1" > "$1"
  chmod 755 "$1"
}
if [ "$mutant" = outdated-binaries ]; then
  fake_version /usr/bin/psql --version "psql (PostgreSQL) 13.4"
  fake_version /usr/bin/python3 --version "Python 3.9.2"
  fake_version /usr/bin/openssl version "OpenSSL 1.1.1n  15 Mar 2022"
  fake_version /usr/bin/redis-cli --version "redis-cli 6.0.16"
fi
start_fleet_sshd
unset ARENA_ADMIN_PASSWORD ARENA_VPN_STATE_TOKEN
# The local SMTP sink the outbox delivers to; up before the API's worker makes its first pass.
python3 -m arena.mail_sink &
for _ in $(seq 100); do [ -e /run/arena-mail-sink.ready ] && break; sleep 0.1; done
exec python3 -m arena.api
