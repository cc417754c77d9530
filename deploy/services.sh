#!/usr/bin/env bash
# A private PostgreSQL and Redis for `make run DB=postgres`, from the Debian packages, on
# 127.0.0.1, with their data under var/ (kept between runs).
#
#   bash deploy/services.sh run -- <command...>   start them (unless running), run the
#                                                 command with DATABASE_URL and REDIS_URL,
#                                                 stop what this call started
#   bash deploy/services.sh start | stop | env
#
# PG_PORT (default 55432) and REDIS_PORT (default 56379) choose the ports.
set -euo pipefail
cd "$(dirname "$0")/.."
var="$PWD/var"
pg_port=${PG_PORT:-55432}
redis_port=${REDIS_PORT:-56379}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null; then
  echo "PostgreSQL and Redis are needed: bash .ci/system-packages.sh installs them" >&2
  exit 1
fi
run_as=""
[ "$(id -u)" -eq 0 ] && run_as="runuser -u postgres --"
export DATABASE_URL="postgres://portal@127.0.0.1:$pg_port/portal"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"

pg_running() { $run_as "$pg_bin/pg_ctl" -D "$var/pg" status >/dev/null 2>&1; }
redis_running() { [ -f "$var/redis/redis.pid" ] && kill -0 "$(cat "$var/redis/redis.pid")" 2>/dev/null; }

start_pg() {
  mkdir -p "$var/pg-run"
  [ -n "$run_as" ] && chown postgres "$var/pg-run" && { [ -d "$var/pg" ] || install -d -o postgres "$var/pg"; }
  if [ ! -f "$var/pg/PG_VERSION" ]; then
    $run_as "$pg_bin/initdb" -D "$var/pg" -U portal --auth=trust >/dev/null
  fi
  $run_as "$pg_bin/pg_ctl" -D "$var/pg" -l "$var/pg-run/pg.log" -w start \
    -o "-p $pg_port -k $var/pg-run -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
  "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U portal -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'portal'" \
    | grep -q 1 || "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U portal portal
}

start_redis() {
  mkdir -p "$var/redis"
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$var/redis" --appendonly yes \
    --daemonize yes --pidfile "$var/redis/redis.pid" --logfile "$var/redis/redis.log" >/dev/null
  for _ in $(seq 50); do redis_running && return 0; sleep 0.1; done
  echo "Redis did not start (see var/redis/redis.log)" >&2
  return 1
}

stop_pg() { $run_as "$pg_bin/pg_ctl" -D "$var/pg" -m fast stop >/dev/null 2>&1 || true; }
stop_redis() { redis_running && kill "$(cat "$var/redis/redis.pid")" || true; }

case "${1:-}" in
  start)
    pg_running || start_pg
    redis_running || start_redis
    echo "PostgreSQL on :$pg_port and Redis on :$redis_port (data under var/)"
    ;;
  stop)
    stop_redis
    stop_pg
    ;;
  env)
    echo "DATABASE_URL=$DATABASE_URL"
    echo "REDIS_URL=$REDIS_URL"
    ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    started_pg="" started_redis=""
    pg_running || { start_pg; started_pg=1; }
    redis_running || { start_redis; started_redis=1; }
    cleanup() {
      [ -n "$started_redis" ] && stop_redis
      [ -n "$started_pg" ] && stop_pg
      return 0
    }
    trap cleanup EXIT
    # The command runs in the background so a SIGTERM (make's, systemd's) or Ctrl-C reaches
    # it at once (bash defers traps while a foreground child runs); its exit code is ours.
    "$@" &
    child=$!
    trap 'kill -TERM "$child" 2>/dev/null || true' INT TERM
    code=0
    while kill -0 "$child" 2>/dev/null; do
      wait "$child" && code=0 || code=$?
    done
    exit "$code"
    ;;
  *)
    echo "usage: bash deploy/services.sh run -- <command> | start | stop | env" >&2
    exit 2
    ;;
esac
