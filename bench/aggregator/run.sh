#!/usr/bin/env bash
# Whole-process benchmark of weightguard-aggregator on SQLite and PostgreSQL: a load generator enrols simulated agents
# with TPM credential activation on swtpm, has each quote reports over fresh nonces (real TPM2_Quote), then posts them
# concurrently (sustained reports/s, p50/p95); then the fleet query on 10,000 seeded hosts (p50/p95). Side by side:
# the same connections fetching GET /api/v1/ca (TLS + HTTP only, no verification, no database) as the ceiling.
# With 4 or more cores the server is pinned to 2 of them (taskset) and the load generator and swtpm get the rest.
# Needs: dotnet, swtpm, postgresql (initdb/pg_ctl; run as root it uses the postgres user).
# With BEFORE=<git revision>, that revision's aggregator ingests the same load beside this tree's, in the same run.
# With TRACE=1, dotnet-trace samples each ingest server and trace-top.py prints where its ingest time goes.
# STORES="sqlite" runs one store only.
# Usage: bench/aggregator/run.sh [REPORTS] [AGENTS] [CONCURRENCY] [SWTPMS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
reports="${1:-3000}"; agents="${2:-50}"; concurrency="${3:-32}"; swtpms="${4:-2}"
work="$(mktemp -d)"; chmod 755 "$work"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -f "$work/pg/PG_VERSION" ]]; then as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  for f in "$work"/swtpm-*.pid; do [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# A port with nothing listening on it or the next one (swtpm takes two).
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then echo "$p"; return; fi
  done
}
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if (( $(nproc) >= 4 )); then pin=(taskset -c 0,1); load=(taskset -c "2-$(( $(nproc) - 1 ))"); else pin=(); load=(); fi
echo "machine: $(nproc) cores; server pinned: ${pin[*]:-no (too few cores: server, load generator and swtpm share them)}"

dotnet build -c Release "$root/src/WeightGuard.Aggregator" -o "$work/agg" >/dev/null
dotnet build -c Release "$here/AggregatorBench.csproj" -o "$work/bench" >/dev/null
dotnet build -c Release "$here/../fleet/FleetBench.csproj" -o "$work/seed" >/dev/null
if [[ -n "${BEFORE:-}" ]]; then
  mkdir -p "$work/before-src"; git -C "$root" archive "$BEFORE" | tar -x -C "$work/before-src"
  dotnet build -c Release "$work/before-src/src/WeightGuard.Aggregator" -o "$work/before" >/dev/null
fi
agg=(dotnet "$work/agg/weightguard-aggregator.dll"); bench=("${load[@]}" dotnet "$work/bench/AggregatorBench.dll")

ports=()
for i in $(seq 1 "$swtpms"); do
  port=$(free_port); mkdir -p "$work/swtpm-$i"
  "${load[@]}" swtpm socket --tpm2 --tpmstate dir="$work/swtpm-$i" --server type=tcp,port=$port,bindaddr=127.0.0.1 \
    --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 --flags not-need-init,startup-clear --pid file="$work/swtpm-$i.pid" -d
  ports+=("$port")
done
swtpm_ports=$(IFS=,; echo "${ports[*]}")

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=$(free_port)
mkdir -p "$work/pg" "$work/pgrun"; if [[ $(id -u) -eq 0 ]]; then chown postgres "$work/pg" "$work/pgrun"; fi
as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust --no-sync -E UTF8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -w -l "$work/pgrun/log" -o "-p $pg_port -k $work/pgrun -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
pg="Host=127.0.0.1;Port=$pg_port;Username=postgres"
for db in ingest ingest_before fleet; do as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE $db"; done

serve() { # DATA-DIR URL [AGGREGATOR-DLL]: starts the server and waits for it to answer
  "${pin[@]}" dotnet "${3:-$work/agg/weightguard-aggregator.dll}" serve --data "$1" --urls "$2" --enrollment-limit 100000 >"$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sk "$2/api/v1/ca" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "server did not start:"; cat "$1.log"; exit 1
}
stop() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

for store in ${STORES:-sqlite postgres}; do
  echo "== $store"
  if [[ $store == sqlite ]]; then ingest_db="sqlite:$work/ingest.db"; fleet_db="sqlite:$work/fleet.db"; else ingest_db="postgres:$pg;Database=ingest"; fleet_db="postgres:$pg;Database=fleet"; fi

  for build in ${BEFORE:+before} this; do
    dll="$work/agg/weightguard-aggregator.dll"; [[ $build == before ]] && dll="$work/before/weightguard-aggregator.dll"
    echo "-- ingest, $( [[ $build == before ]] && echo "before ($BEFORE)" || echo "this tree"), load $(cut -d' ' -f1-3 /proc/loadavg)"
    data="$work/$store-ingest-$build"; db="$ingest_db"; [[ $build == before ]] && db="${ingest_db/ingest/ingest_before}"
    dotnet "$dll" init --data "$data" --db "$db" >/dev/null
    token=$(dotnet "$dll" tokens create --data "$data" --uses "$agents" | tail -n 1)
    url="https://127.0.0.1:$(free_port)"
    serve "$data" "$url" "$dll"
    if [[ -z "${TRACE:-}" ]]; then
      "${bench[@]}" ingest --server "$url" --ca "$data/ca.crt" --token "$token" --swtpm "$swtpm_ports" \
        --agents "$agents" --reports "$reports" --concurrency "$concurrency" --server-pid "${pids[-1]}"
    else # the profiler samples the server while the reports are posted, and only then
      mkdir -p "$work/pause"; rm -f "$work/pause"/*
      "${bench[@]}" ingest --server "$url" --ca "$data/ca.crt" --token "$token" --swtpm "$swtpm_ports" \
        --agents "$agents" --reports "$reports" --concurrency "$concurrency" --server-pid "${pids[-1]}" --pause "$work/pause" & loader=$!
      until [[ -f "$work/pause/ready" ]]; do sleep 0.2; done
      ~/.dotnet/tools/dotnet-trace collect -p "${pids[-1]}" --format Speedscope -o "$work/trace.nettrace" >"$work/trace.log" 2>&1 & tracer=$!
      sleep 3; touch "$work/pause/go"
      until [[ -f "$work/pause/posted" ]]; do sleep 0.2; done
      kill -INT "$tracer"; wait "$tracer" || true; rm "$work/pause/go"; wait "$loader"
      python3 "$here/trace-top.py" "$work/trace.speedscope.json" || cat "$work/trace.log"; rm -f "$work"/trace.*
    fi
    stop
  done

  admin=$("${agg[@]}" init --data "$work/$store-fleet" --db "$fleet_db" | tail -n 1)
  "${load[@]}" dotnet "$work/seed/FleetBench.dll" "$fleet_db" 10000 1 | sed -n 1p
  url="https://127.0.0.1:$(free_port)"
  serve "$work/$store-fleet" "$url"
  "${bench[@]}" fleet --server "$url" --ca "$work/$store-fleet/ca.crt" --admin-token "$admin" --requests 40
  stop
done
