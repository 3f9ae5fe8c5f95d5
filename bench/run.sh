#!/usr/bin/env bash
# run.sh - the volumed benchmark: volumed side by side with Postgres itself, in one run, one table.
#
# Starts a throwaway Postgres, volumed and (when built) volume-gateway on free
# loopback ports, grows one database through the phases (1k, 100k, 1M volumes
# by default) and in each phase measures, at each concurrency (1, 8, 32):
#   GetVolume       pgbench (volumed's SELECT)      vs h2load over gRPC
#   GetVolume REST  wrk through the gateway         vs the same gRPC figure
#   ListVolumes     pgbench (volumed's page query)  vs h2load over gRPC (page of 100, host filter)
#   attach+detach   pgbench (volumed's two txs)     vs vbench over gRPC (the C client library)
#   RegisterVolume  vbench, one call at a time, alternating between two hosts of the same database:
#                   one with 1k volumes, one that grows to 100k
# and, in the last phase, volumed's RSS over 1,000,000 requests. Prints the
# table on stdout (progress goes to stderr), then the PRODUCT.md bars.
#
# Environment (defaults in brackets; BENCH_QUICK=1 picks the second value):
#   BENCH_QUICK           0; 1 = small data and short runs, for development
#   BENCH_SECONDS         measured seconds per line [10 | 2]
#   BENCH_WARMUP          seconds of warm-up before each line, not counted [1]
#   BENCH_PHASES          volumes in the data set, phase by phase ["1000 100000 1000000" | "1000 10000"]
#   BENCH_CONCURRENCY     clients / streams ["1 8 32"]
#   BENCH_REG_COUNT       registrations timed per phase [2000 | 200] (after 10% more as warm-up)
#   BENCH_REG_HOST_MAX    most volumes the registration host grows to [100000]
#   BENCH_RSS_REQUESTS    requests of the memory run [1000000 | 20000]
#   BENCH_SHARED_BUFFERS  Postgres shared_buffers [1GB]
#   BENCH_WORKERS         volumed --workers [volumed's default]
#   BENCH_BUILD_DIR       build tree [<repo>/build-bench]; BENCH_NO_BUILD=1 uses it as it is
#   BENCH_KEEP            1 keeps the work directory (logs, Postgres data) after the run
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
py=/usr/bin/python3
tools="$py $here/bench.py"

quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
	seconds=${BENCH_SECONDS:-2}
	phases=${BENCH_PHASES:-"1000 10000"}
	reg_count=${BENCH_REG_COUNT:-200}
	rss_requests=${BENCH_RSS_REQUESTS:-20000}
else
	seconds=${BENCH_SECONDS:-10}
	phases=${BENCH_PHASES:-"1000 100000 1000000"}
	reg_count=${BENCH_REG_COUNT:-2000}
	rss_requests=${BENCH_RSS_REQUESTS:-1000000}
fi
warmup=${BENCH_WARMUP:-1}
concs=${BENCH_CONCURRENCY:-"1 8 32"}
reg_host_max=${BENCH_REG_HOST_MAX:-100000}
reg_small=1000 # the small registration host's volumes
reg_warm=$(( (reg_count + 9) / 10 ))
# The CPU window of a line: from just after the warm-up to just before the end.
cpu_from=$(awk "BEGIN {print $warmup + 0.1}")
cpu_len=$(awk "BEGIN {print ($seconds >= 5 ? $seconds - 1.5 : $seconds * 0.5)}")
rss_conc=8
shared_buffers=${BENCH_SHARED_BUFFERS:-1GB}
build=${BENCH_BUILD_DIR:-$root/build-bench}
hosts=100 # data set: volumes spread over this many hosts
vms=1000  # ... and this many VMs (10 per host)
ncpu=$(nproc)

say() { echo "bench: $*" >&2; }
fail() {
	say "FAILED: $*"
	exit 1
}

for int in "$seconds" "$warmup" "$reg_count" "$rss_requests" "$reg_host_max"; do
	[[ $int =~ ^[0-9]+$ ]] || fail "BENCH_SECONDS, _WARMUP, _REG_COUNT, _REG_HOST_MAX, _RSS_REQUESTS are whole numbers"
done
for t in pgbench h2load wrk protoc psql runuser; do
	command -v "$t" >/dev/null || fail "$t is missing: run scripts/install-deps.sh"
done
[ -x "$py" ] || fail "$py is missing: run scripts/install-deps.sh"
max_conc=0
for c in $concs; do
	[[ $c =~ ^[1-9][0-9]*$ ]] || fail "BENCH_CONCURRENCY: $c is not a positive number"
	[ "$c" -gt "$max_conc" ] && max_conc=$c
done

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	say "building into $build (scripts/build.sh)"
	"$root/scripts/build.sh" "$build" >"${TMPDIR:-/tmp}/volumed-bench-build.log" 2>&1 ||
		{ tail -n 30 "${TMPDIR:-/tmp}/volumed-bench-build.log" >&2; fail "build failed"; }
fi
volumed_bin=$build/server/volumed
gateway_bin=$build/client/gateway/volume-gateway
vbench=$build/bench/vbench
vbench_sql=$build/bench/vbench-sql
for b in "$volumed_bin" "$vbench" "$vbench_sql"; do
	[ -x "$b" ] || fail "$b is not built"
done

# --- processes and cleanup ---------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/volumed-bench.XXXXXX")
chmod 755 "$work"
logs=$work/logs
mkdir -p "$logs"
# shellcheck disable=SC2012 # version directories: plain names, newest last
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgdata=$work/pg/data
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
	as_pg=(runuser -u postgres --) # Postgres will not run as root
fi
pg_started=0
pids=()     # volumed, gateway
tool_pid="" # the load tool running now, if any
side_pid=""    # a second load tool running beside it (memory run)
sampler_pid="" # the RSS sampler of the memory run

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	for p in $tool_pid $side_pid $sampler_pid "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $tool_pid $side_pid $sampler_pid "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [ "$pg_started" = 1 ]; then
		"${as_pg[@]}" "$pgbin/pg_ctl" stop -D "$pgdata" -m immediate -w >/dev/null 2>&1 || true
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		say "kept $work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a load tool in the background and waits for it, so Ctrl-C reaches
# the trap at once; its output goes to $1.
run_tool() {
	local out=$1
	shift
	"$@" >"$out" 2>&1 &
	tool_pid=$!
	finish_tool "$out" "$1"
}

finish_tool() { # output, name
	local rc=0
	wait "$tool_pid" || rc=$?
	tool_pid=""
	if [ "$rc" != 0 ]; then
		tail -n 20 "$1" >&2
		fail "$2 exited with $rc (output: $1)"
	fi
}

# Like run_tool, and takes CPU counters $2 s after the start and again $3 s
# later (into $1.snap-a, $1.snap-b): the measured window, for CPU per op.
measure() {
	local out=$1 from=$2 len=$3
	shift 3
	"$@" >"$out" 2>&1 &
	tool_pid=$!
	sleep "$from"
	snap "$out.snap-a"
	sleep "$len"
	snap "$out.snap-b"
	finish_tool "$out" "$1"
}

snap() {
	local more=()
	[ -n "$gwpid" ] && more+=(--gateway "$gwpid")
	[ -n "$tool_pid" ] && more+=(--tool "$tool_pid")
	$tools snap --postmaster "$pmpid" --volumed "$vpid" "${more[@]}" >"$1" 2>/dev/null || rm -f "$1"
}

# Waits until a server prints "... listening on HOST:PORT" on its stdout
# file $2; prints the port.
wait_listening() {
	local pid=$1 out=$2 what=$3
	for _ in $(seq 600); do
		if grep -q "listening on" "$out" 2>/dev/null; then
			grep -m1 "listening on" "$out" | sed 's/.*://'
			return
		fi
		kill -0 "$pid" 2>/dev/null || fail "$what exited at start-up (see $work)"
		sleep 0.1
	done
	fail "$what did not start listening within 60 s"
}

threads() { # tool threads for $1 clients: one per client, at most one per core
	echo $(($1 < ncpu ? $1 : ncpu))
}

rss_kib() {
	awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# --- Postgres, volumed, gateway ----------------------------------------------

mkdir -p "$work/pg"
[ ${#as_pg[@]} -eq 0 ] || chown postgres "$work/pg"
"${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$logs/initdb.log" 2>&1 ||
	fail "initdb failed (see $logs/initdb.log)"
# Durability as Postgres ships it (fsync, synchronous_commit, full_page_writes
# on). Checkpoints are spaced out so none lands inside a measurement (run.sh
# runs CHECKPOINT after each load instead); that changes recovery time only.
pg_opts="-c listen_addresses=127.0.0.1 -c shared_buffers=$shared_buffers -c max_connections=200"
pg_opts+=" -c max_wal_size=16GB -c checkpoint_timeout=1h"
for _ in 1 2 3 4 5; do
	pgport=$($tools freeport)
	if "${as_pg[@]}" "$pgbin/pg_ctl" start -D "$pgdata" -l "$work/pg/postgres.log" -w -t 120 \
		-o "-p $pgport -k $work/pg $pg_opts" >"$logs/pg_ctl.log" 2>&1; then
		pg_started=1
		break
	fi
done
[ "$pg_started" = 1 ] || fail "Postgres did not start (see $work/pg/postgres.log)"
pmpid=$(head -n 1 "$pgdata/postmaster.pid")
pgurl="postgresql://postgres@127.0.0.1:$pgport/volumed"
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pgport" -U postgres "$@"; }
psql_admin -d postgres -c "CREATE DATABASE volumed" >/dev/null
sql() { psql_admin -d volumed -At "$@"; }

# volumed first: it applies the migrations, and the data goes into its schema.
workers_flag=()
[ -n "${BENCH_WORKERS:-}" ] && workers_flag=(--workers "$BENCH_WORKERS")
"$volumed_bin" --listen 127.0.0.1:0 --database-url "$pgurl" --log-level warn "${workers_flag[@]}" \
	>"$work/volumed.out" 2>"$work/volumed.log" &
vpid=$!
pids+=("$vpid")
vport=$(wait_listening "$vpid" "$work/volumed.out" volumed)
target=127.0.0.1:$vport
rss_idle=$(rss_kib "$vpid")
say "Postgres on $pgport, volumed on $vport (pid $vpid), work in $work"

gport=""
gwpid=""
if [ -x "$gateway_bin" ]; then
	"$gateway_bin" --listen 127.0.0.1:0 --volumed "$target" --log-level warn \
		>"$work/gateway.out" 2>"$work/gateway.log" &
	gwpid=$!
	pids+=("$gwpid")
	gport=$(wait_listening "$gwpid" "$work/gateway.out" volume-gateway)
	say "volume-gateway on $gport"
else
	say "no $gateway_bin: the REST lines are skipped"
fi

# --- requests, scripts, fixtures ---------------------------------------------

vol_id=$(sql -c "SELECT md5('bench-vol-1')::uuid")   # the fixed volume of every GetVolume
host_id=$(sql -c "SELECT md5('bench-host-1')::uuid") # the host of every ListVolumes page
encode() { # message type, text format -> $work/<name>.bin, framed
	echo "$2" | protoc --encode="volumed.v1.$1" -I "$root/proto" -I /usr/include \
		"$root/proto/volumed/v1/volume.proto" >"$work/$3.pb"
	$tools frame "$work/$3.pb" "$work/$3.bin"
}
encode GetVolumeRequest "id: \"$vol_id\"" get
encode ListVolumesRequest "host_id: \"$host_id\" page_size: 100" list
declare -A grpc_path=([get]=/volumed.v1.VolumeService/GetVolume [list]=/volumed.v1.VolumeService/ListVolumes)
declare -A pg_mode pg_defs
for kind in get list pairs; do
	pg_mode[$kind]=$($tools script "$vbench_sql" "$kind" "$work/$kind.pgbench")
done
pg_defs[get]="-D vol=$vol_id"
pg_defs[list]="-D host=$host_id -D after_ts=-infinity -D after_id=00000000-0000-0000-0000-000000000000 -D limit=101"
pg_defs[pairs]="-D ready=0 -D drive=bench -D read_only=f"

# --- settings, for the header of the table -----------------------------------

settings=$work/settings.txt
{
	echo "volumed benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n)"
	echo "machine: $ncpu cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo))," \
		"$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM;" \
		"load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "Postgres $(sql -c 'SHOW server_version'): shared_buffers=$(sql -c 'SHOW shared_buffers')" \
		"fsync=$(sql -c 'SHOW fsync') synchronous_commit=$(sql -c 'SHOW synchronous_commit')" \
		"full_page_writes=$(sql -c 'SHOW full_page_writes') wal_level=$(sql -c 'SHOW wal_level')" \
		"max_wal_size=$(sql -c 'SHOW max_wal_size') checkpoint_timeout=$(sql -c 'SHOW checkpoint_timeout')," \
		"TCP on 127.0.0.1 for every client"
	echo "volumed: --log-level warn ${workers_flag[*]:---workers default};" \
		"volume-gateway: $([ -n "$gport" ] && echo "--log-level warn" || echo "not built, no REST lines");" \
		"pgbench -M ${pg_mode[get]} for GetVolume and attach+detach, -M ${pg_mode[list]} for ListVolumes" \
		"(as volumed sends them)"
	echo "each line: $seconds s measured after $warmup s of warm-up; clients = connections (h2load -m 1," \
		"one stream each); tool threads = min(clients, $ncpu)"
	echo "data: volumes spread over $hosts hosts, every 10th attached to one of $vms VMs; the database" \
		"grows phase by phase (${phases// /, } volumes)"
	echo "ratios: volumed's figure / Postgres's (REST: / direct gRPC; RegisterVolume: the big host / the small one)"
	echo "CPU us per op, over the measured window: Postgres (all its processes), volumed (+ the gateway" \
		"on REST lines), the load tool; others CPU %: what processes outside this run used meanwhile" \
		"($ncpu cores = 100%)"
} >"$settings"

results=$work/results.jsonl
: >"$results"

# --- measurements ------------------------------------------------------------

label() { # phase -> 1k, 100k, 1M
	$py -c "n=$1; print(f'{n // 1000000}M' if n >= 1000000 and n % 1000000 == 0 else f'{n // 1000}k' if n % 1000 == 0 else n)"
}

show_last() {
	$py -c "import json,sys; r=json.loads(open(sys.argv[1]).read().splitlines()[-1]); \
print(f\"bench:   {r['kind']} {r['side']} c={r['conc']}: {r['ops']:,.0f} ops/s p50 {r['p50']/1000:.3f} ms \
p99 {r['p99']/1000:.3f} ms errors {r['errors']} {r['note']}\", file=sys.stderr)" "$results"
}

pg_run() { # phase kind conc
	local tag=$logs/pg-$2-$1-$3
	# shellcheck disable=SC2086 # pg_defs holds several words on purpose
	measure "$tag.out" "$cpu_from" "$cpu_len" pgbench -h 127.0.0.1 -p "$pgport" -U postgres -n \
		-M "${pg_mode[$2]}" -c "$3" -j "$(threads "$3")" -T $((seconds + warmup)) -f "$work/$2.pgbench" \
		${pg_defs[$2]} --log --log-prefix="$tag.log" volumed
	$tools record --out "$results" --phase "$1" --kind "$2" --side pg --conc "$3" --format pgbench \
		--log "$tag.log.*" --warmup "$warmup" --snaps "$tag.out.snap-a" "$tag.out.snap-b"
	show_last
}

declare -A expect_bytes
check_grpc() { # kind: one call through the client library must be OK; remembers the answer's size
	local out
	out=$("$vbench" call --target "$target" --method "${grpc_path[$1]}" --body "$work/$1.pb") ||
		fail "$1: volumed did not answer the benchmark's request with OK"
	expect_bytes[$1]=$((${out##*bytes=} + 5))
}

h2_run() { # phase kind conc
	local tag=$logs/h2-$2-$1-$3
	measure "$tag.out" "$cpu_from" "$cpu_len" h2load -c "$3" -m 1 -t "$(threads "$3")" -D "$seconds" \
		--warm-up-time "$warmup" -d "$work/$2.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
		--log-file="$tag.log" "http://$target${grpc_path[$2]}"
	$tools record --out "$results" --phase "$1" --kind "$2" --side grpc --conc "$3" --format h2load \
		--log "$tag.log" --stdout "$tag.out" --expect-bytes "${expect_bytes[$2]}" \
		--snaps "$tag.out.snap-a" "$tag.out.snap-b"
	show_last
}

pairs_run() { # phase conc
	local tag=$logs/vb-pairs-$1-$2
	measure "$tag.out" "$cpu_from" "$cpu_len" "$vbench" pairs --target "$target" --ids "$work/pairs.txt" \
		--clients "$2" --seconds $((seconds + warmup)) --log "$tag.log"
	$tools record --out "$results" --phase "$1" --kind pairs --side grpc --conc "$2" --format vbench \
		--log "$tag.log" --warmup "$warmup" --snaps "$tag.out.snap-a" "$tag.out.snap-b"
	show_last
}

rest_run() { # phase conc
	local tag=$logs/wrk-$1-$2 url="http://127.0.0.1:$gport/v1/volumes/$vol_id"
	run_tool "$tag.warm" wrk -t "$(threads "$2")" -c "$2" -d "${warmup}s" "$url"
	measure "$tag.out" 0.1 "$cpu_len" wrk -t "$(threads "$2")" -c "$2" -d "${seconds}s" --latency "$url"
	$tools record --out "$results" --phase "$1" --kind rest --side rest --conc "$2" --format wrk \
		--stdout "$tag.out" --snaps "$tag.out.snap-a" "$tag.out.snap-b"
	show_last
}

register_run() { # phase host_volumes
	local tag=$logs/vb-reg-$1
	# One call on the small host, one on the big one, and so on.
	sql -c "SELECT md5('bench-regs-vm-$1-' || i)::uuid || ' small' || chr(10) ||
	               md5('bench-reg-vm-$1-' || i)::uuid || ' big'
	        FROM generate_series(1, $((reg_warm + reg_count))) i ORDER BY i" >"$work/reg-$1.txt"
	snap "$tag.out.snap-a"
	run_tool "$tag.out" "$vbench" register --target "$target" --ids "$work/reg-$1.txt" \
		--prefix "/srv/bench-reg/p$1/new-" --log "$tag.log"
	snap "$tag.out.snap-b"
	local cpu
	cpu=$(sed -n 's/.*cpu_us=\([0-9]*\).*/\1/p' "$tag.out")
	local group volumes
	for group in small big; do
		volumes=$([ "$group" = small ] && echo "$reg_small" || echo "$2")
		$tools record --out "$results" --phase "$1" --kind register --side "$group" --conc 1 \
			--format vbench --log "$tag.log" --group "$group" --skip-first "$reg_warm" \
			--host-volumes "$volumes" --snaps "$tag.out.snap-a" "$tag.out.snap-b" \
			--tool-cpu-us "${cpu:-0}" --window-ops $((2 * (reg_warm + reg_count)))
		show_last
	done
}

rss_run() { # phase
	local before after n_get n_list
	n_list=$((rss_requests / 10))
	n_get=$((rss_requests - n_list))
	before=$(rss_kib "$vpid")
	say "memory run: $rss_requests requests ($n_get GetVolume, $n_list ListVolumes), $rss_conc streams"
	(while kill -0 "$vpid" 2>/dev/null; do
		rss_kib "$vpid"
		sleep 0.5
	done) >"$work/rss.samples" 2>/dev/null &
	sampler_pid=$!
	# GetVolume and ListVolumes at once, 3 streams in 4 on GetVolume.
	h2load -n "$n_list" -c $((rss_conc / 4)) -m 1 -t 1 -d "$work/list.bin" -H 'content-type: application/grpc' \
		-H 'te: trailers' "http://$target${grpc_path[list]}" >"$logs/rss-list.out" 2>&1 &
	side_pid=$!
	run_tool "$logs/rss-get.out" h2load -n "$n_get" -c $((rss_conc - rss_conc / 4)) -m 1 -t 1 \
		-d "$work/get.bin" -H 'content-type: application/grpc' -H 'te: trailers' "http://$target${grpc_path[get]}"
	wait "$side_pid" || fail "the ListVolumes part of the memory run failed (see $logs/rss-list.out)"
	side_pid=""
	after=$(rss_kib "$vpid")
	kill "$sampler_pid" 2>/dev/null || true
	wait "$sampler_pid" 2>/dev/null || true
	sampler_pid=""
	local ok=0
	for f in "$logs/rss-get.out" "$logs/rss-list.out"; do
		ok=$((ok + $(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$f")))
	done
	$tools rss --out "$results" --phase "$1" --conc "$rss_conc" --idle "$rss_idle" --before "$before" \
		--after "$after" --samples "$work/rss.samples" --requests "$rss_requests" --errors $((rss_requests - ok))
}

loaded=0
reg_loaded=0
fixtures=0
for phase in $phases; do
	[[ $phase =~ ^[1-9][0-9]*$ ]] || fail "BENCH_PHASES: $phase is not a number of volumes"
	[ "$phase" -gt "$loaded" ] || fail "BENCH_PHASES must grow: $phase after $loaded"
	name=$(label "$phase")
	say "[$name] loading volumes $((loaded + 1))..$phase"
	t0=$(date +%s)
	sql -v lo="$loaded" -v hi="$phase" -v hosts="$hosts" -v vms="$vms" -f "$here/sql/load.sql" >/dev/null
	loaded=$phase
	if [ "$fixtures" = 0 ]; then
		sql -v clients="$max_conc" -f "$here/sql/fixtures.sql" >/dev/null
		sql -c "SELECT md5('bench-pair-vol-' || c)::uuid || ' ' || md5('bench-pair-vm-' || c)::uuid
		        FROM generate_series(0, $max_conc - 1) c" >"$work/pairs.txt"
		fixtures=1
	fi
	reg_hi=$((phase < reg_host_max ? phase : reg_host_max))
	[ "$reg_hi" -gt "$reg_loaded" ] || reg_hi=$reg_loaded
	sql -v lo="$reg_loaded" -v hi="$reg_hi" -v small="$reg_small" -v phase="$phase" \
		-v count=$((reg_warm + reg_count)) -f "$here/sql/reg.sql" >/dev/null
	reg_loaded=$reg_hi
	sql -c "VACUUM (ANALYZE) host, vm, volume, volume_attachment" -c "CHECKPOINT" >/dev/null
	say "[$name] loaded in $(($(date +%s) - t0)) s; the registration hosts hold $reg_small and $reg_hi volumes"

	check_grpc get
	check_grpc list
	for c in $concs; do
		say "[$name] GetVolume, $c clients"
		pg_run "$phase" get "$c"
		h2_run "$phase" get "$c"
		if [ -n "$gport" ]; then
			rest_run "$phase" "$c"
		fi
	done
	for c in $concs; do
		say "[$name] ListVolumes, $c clients"
		pg_run "$phase" list "$c"
		h2_run "$phase" list "$c"
	done
	for c in $concs; do
		say "[$name] attach+detach, $c clients"
		pg_run "$phase" pairs "$c"
		pairs_run "$phase" "$c"
	done
	say "[$name] RegisterVolume on hosts with $reg_small and $reg_hi volumes"
	register_run "$phase" "$reg_hi"
done
rss_run "$loaded"

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$settings"
notes=()
[ -n "$gport" ] || notes+=(--note "REST lines skipped: $gateway_bin was not built.")
$tools table "$results" "$settings" "${notes[@]}"
