#!/bin/sh
# Boot one node of the example system. Role: first argument or EXAMPLE_ROLE (lb | db).
# EXAMPLE_FAULT switches one defect on: backend-down (web2 not started), backend-slow (web1 answers
# 1 s late), frontend-down (no HAProxy) for lb; low-connections, eviction-noeviction, db-standby
# (PostgreSQL restarted in recovery, a standby with no primary) for db.
# Secrets arrive in the environment and never go on a command line.
set -eu
role="${1:-${EXAMPLE_ROLE:-}}"
fault="${EXAMPLE_FAULT:-}"

start_lb() {
  for backend in web1:8081 web2:8082; do
    name="${backend%:*}" port="${backend#*:}"
    case "$fault:$name" in
      backend-down:web2) continue ;;
      backend-slow:web1) python3 /etc/example/slow-backend.py "$name" "$port" & continue ;;
    esac
    sed "s/@NAME@/$name/g; s/@PORT@/$port/g" /etc/example/nginx.conf > "/etc/nginx/$name.conf"
    nginx -c "/etc/nginx/$name.conf"
  done
  [ "$fault" = frontend-down ] && return
  : "${LB_STATS_PASSWORD:?LB_STATS_PASSWORD is required}"
  haproxy -f /etc/example/haproxy.cfg
  # Ready once HAProxy has settled every backend UP or DOWN (not INI, not "UP 1/2" on the way down).
  until haproxy_checked; do sleep 0.2; done
}

haproxy_checked() {
  python3 - <<'PY'
import base64, os, sys, urllib.request
auth = base64.b64encode(f"stats:{os.environ['LB_STATS_PASSWORD']}".encode()).decode()
request = urllib.request.Request('http://127.0.0.1:8404/stats;csv', headers={'Authorization': f'Basic {auth}'})
try:
    rows = urllib.request.urlopen(request, timeout=2).read().decode().splitlines()
except OSError:
    sys.exit(1)
header = rows[0].lstrip('# ').split(',')
servers = [dict(zip(header, r.split(','))) for r in rows[1:]]
checked = [s for s in servers if s['svname'] in ('web1', 'web2')]
sys.exit(0 if checked and all(s['status'] in ('UP', 'DOWN') and not s['check_status'].startswith('INI') for s in checked) else 1)
PY
}

start_db() {
  : "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}" "${APP_REDIS_PASSWORD:?APP_REDIS_PASSWORD is required}"
  connections=200 policy=allkeys-lru
  [ "$fault" = low-connections ] && connections=20
  [ "$fault" = eviction-noeviction ] && policy=noeviction
  echo "max_connections = $connections" > /etc/postgresql/15/main/conf.d/capacity.conf
  pg_ctlcluster 15 main start
  until su postgres -c "pg_isready -q"; do sleep 0.2; done
  su postgres -c "psql -q -v ON_ERROR_STOP=1 -v pw=\"\$APP_DB_PASSWORD\"" <<'SQL'
ALTER ROLE app PASSWORD :'pw';
SQL
  if [ "$fault" = db-standby ]; then
    pg_ctlcluster 15 main stop
    su postgres -c "touch /var/lib/postgresql/15/main/standby.signal"
    pg_ctlcluster 15 main start
    until su postgres -c "pg_isready -q"; do sleep 0.2; done
  fi
  mkdir -p /etc/redis
  umask 077
  printf 'bind 0.0.0.0\nport 6379\nrequirepass %s\nmaxmemory 64mb\nmaxmemory-policy %s\ndaemonize yes\nsave ""\n' \
    "$APP_REDIS_PASSWORD" "$policy" > /etc/redis/example.conf
  redis-server /etc/redis/example.conf
}

case "$role" in
  lb) start_lb ;;
  db) start_db ;;
  *) echo "usage: EXAMPLE_ROLE=lb|db (or first argument); got '$role'" >&2; exit 2 ;;
esac
echo "[example] $role ready${fault:+ (fault: $fault)}"
exec sleep infinity
