#!/usr/bin/env bash
# Run a command with a private PostgreSQL and Redis on loopback (started here, stopped
# here by their PIDs), exporting DATABASE_URL and REDIS_URL for it.
set -euo pipefail
work=$(mktemp -d /tmp/portal-services.XXXXXX)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=${PG_PORT:-55432}
redis_port=${REDIS_PORT:-56379}
run_as=""
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work" 2>/dev/null || true
  run_as="runuser -u postgres --"
fi

cleanup() {
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  $run_as "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

$run_as "$pg_bin/initdb" -D "$work/pg" -U portal --auth=trust >/dev/null
$run_as "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" -w start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U portal portal
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --pidfile "$work/redis.pid" >/dev/null

export DATABASE_URL="postgres://portal@127.0.0.1:$pg_port/portal"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "PostgreSQL on :$pg_port and Redis on :$redis_port for: $*"
"$@"
