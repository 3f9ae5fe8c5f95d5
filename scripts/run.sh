#!/usr/bin/env bash
# The run command: installs what is missing, builds, then starts the whole
# stack on loopback in the foreground: a Postgres cluster of its own (data
# in .run/, kept between runs), volumed and volume-gateway. Ctrl-C stops all.
#
#   PG_PORT (55432)  VOLUMED_PORT (50051)  GATEWAY_PORT (8080)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh
scripts/build.sh build

pg_port=${PG_PORT:-55432}
volumed_port=${VOLUMED_PORT:-50051}
gateway_port=${GATEWAY_PORT:-8080}
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
state=$root/.run
mkdir -p "$state"

# Postgres will not run as root: hand its directory to the postgres user.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$state"
  as_pg=(runuser -u postgres --)
fi
if [ ! -f "$state/pgdata/PG_VERSION" ]; then
  "${as_pg[@]}" "$bindir/initdb" -D "$state/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
"${as_pg[@]}" "$bindir/pg_ctl" start -D "$state/pgdata" -l "$state/postgres.log" -w \
  -o "-p $pg_port -k $state -c listen_addresses=127.0.0.1"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${as_pg[@]}" "$bindir/pg_ctl" stop -D "$state/pgdata" -m fast -w >/dev/null || true
  echo "run.sh: stopped"
}
trap stop INT TERM EXIT

"$bindir/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'volumed'" \
  | grep -q 1 || "$bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres volumed

build/server/volumed --listen "127.0.0.1:$volumed_port" \
  --database-url "postgresql://postgres@127.0.0.1:$pg_port/volumed" &
pids+=($!)
if [ -x build/client/gateway/volume-gateway ]; then
  build/client/gateway/volume-gateway --listen "127.0.0.1:$gateway_port" --volumed "127.0.0.1:$volumed_port" &
  pids+=($!)
fi

cat <<MSG
run.sh: stack is up
  Postgres        postgresql://postgres@127.0.0.1:$pg_port/volumed
  volumed (gRPC)  127.0.0.1:$volumed_port
  gateway (REST)  http://127.0.0.1:$gateway_port   e.g. curl http://127.0.0.1:$gateway_port/v1/volumes
Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
