#!/usr/bin/env bash
# Fleet scale: seeds hosts through the store layer (judged as ingest judges; bench/fleet/Program.cs), then measures every
# dashboard page and filter over TLS with curl (a fresh connection per request, as bench/dashboard does): p50/p95, the
# seeding rate, and the database's size per host and per report; then seeds more hosts and measures again (growth).
# With BEFORE=<git revision> the same database is also served by that revision's aggregator, side by side.
# Usage: bench/fleet/run.sh [sqlite|postgres] [SIZES, e.g. "10000 100000"] [REPORTS_PER_HOST] [REQUESTS_PER_PAGE]
# Needs: dotnet, curl; postgresql binaries (initdb/pg_ctl; as root it runs them as the postgres user) for postgres.
#
# Last run (SQLite, 10,000 hosts x 2 reports, 2 shared cores at load 8-11, 8 requests per page; not yet within budget):
# seeding 35 reports/s through the store at load ~50; database 1,106 MiB = 113 KiB per host, 57 KiB per report.
# overview p50 1,311 / p95 1,487 ms; profile filter 733 / 958; label+profile 515 / 585; state failing 1,706 / 2,018;
# level 1,669 / 2,241; search 1,235 / 1,798; sorted, page 40 1,034 / 1,365; host page 41 / 113; control page 304 / 414;
# API page of 100 44 / 59. Left: the failing-control counts (COUNT DISTINCT over ~1.5M verdict rows) still dominate
# the overview; a summary table kept at ingest is the next step. No BEFORE run finished in the same session.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
store="${1:-sqlite}"; sizes="${2:-10000}"; reports="${3:-2}"; requests="${4:-40}"
work="$(mktemp -d)"; chmod 755 "$work"; server=""
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
  if [[ -f "$work/pg/PG_VERSION" ]]; then as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=$(( 20000 + RANDOM % 30000 ))

dotnet build -c Release "$root/src/WeightGuard.Aggregator" -o "$work/agg" >/dev/null
dotnet build -c Release "$here/FleetBench.csproj" -o "$work/bench" >/dev/null
if [[ -n "${BEFORE:-}" ]]; then
  mkdir -p "$work/before-src"; git -C "$root" archive "$BEFORE" | tar -x -C "$work/before-src"
  dotnet build -c Release "$work/before-src/src/WeightGuard.Aggregator" -o "$work/before" >/dev/null
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); dotnet $(dotnet --version); store $store; $reports report(s) per host"

if [[ $store == postgres ]]; then
  mkdir -p "$work/pg" "$work/pgrun"; if [[ $(id -u) -eq 0 ]]; then chown postgres "$work/pg" "$work/pgrun"; fi
  as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$work/pg" -w -l "$work/pgrun/log" -o "-p $((port + 1)) -k $work/pgrun -c listen_addresses=127.0.0.1" start >/dev/null
  as_pg "$pg_bin/psql" -h 127.0.0.1 -p $((port + 1)) -U postgres -qc "CREATE DATABASE fleet"
  db="postgres:Host=127.0.0.1;Port=$((port + 1));Username=postgres;Database=fleet"
  db_bytes() { as_pg "$pg_bin/psql" -h 127.0.0.1 -p $((port + 1)) -U postgres -d fleet -tAc "SELECT pg_database_size('fleet')"; }
else
  db="sqlite:$work/fleet.db"
  db_bytes() { du -cb "$work"/fleet.db* | tail -n 1 | cut -f1; }
fi
agg=(dotnet "$work/agg/weightguard-aggregator.dll")
"${agg[@]}" init --data "$work/data" --db "$db" >/dev/null
token=$("${agg[@]}" api-tokens create --data "$work/data" --role viewer --name bench | tail -n 1)
base="https://127.0.0.1:$port"

measure() { # NAME PATH [curl options…]
  local name=$1 url="$base$2"; shift 2
  for _ in 1 2 3; do curl -ks -o /dev/null "$@" "$url"; done
  for _ in $(seq 1 "$requests"); do curl -ks -o /dev/null -w '%{http_code} %{time_total}\n' "$@" "$url"; done > "$work/times"
  if grep -qv '^200 ' "$work/times"; then echo "$name: not 200: $(grep -v '^200 ' "$work/times" | head -n 1)"; exit 1; fi
  cut -d' ' -f2 "$work/times" | sort -n > "$work/sorted"
  awk -v name="$name" '{ t[NR] = $1 } END { printf "  %-44s p50 %7.1f ms   p95 %7.1f ms\n", name, t[int(NR * 0.50 + 0.5)] * 1000, t[int(NR * 0.95 + 0.5)] * 1000 }' "$work/sorted"
}
pages() { # DLL-DIR LABEL
  dotnet "$1.dll" serve --data "$work/data" --urls "$base" >"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 240); do curl -ks -o /dev/null "$base/dashboard/sign-in" && break; sleep 0.5; done
  local jar="$work/cookies" csrf
  csrf=$(curl -ks -c "$jar" "$base/dashboard/sign-in" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -ks -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "token=$token" "$base/dashboard/sign-in"
  echo " $2: $requests sequential requests per page, load $(cut -d' ' -f1-3 /proc/loadavg)"
  measure "overview" "/dashboard" -b "$jar"
  measure "overview, profile rand-sl3" "/dashboard?profile=rand-sl3" -b "$jar"
  measure "overview, label training + profile rand-sl2" "/dashboard?label=training&profile=rand-sl2" -b "$jar"
  measure "overview, state failing" "/dashboard?status=failing" -b "$jar"
  measure "overview, level SL0" "/dashboard?level=SL0" -b "$jar"
  measure "overview, search gpu-00012" "/dashboard?search=gpu-00012" -b "$jar"
  measure "overview, sorted by failed, page 40" "/dashboard?sort=failed&dir=desc&page=40" -b "$jar"
  measure "host page" "/dashboard/hosts/$agent" -b "$jar"
  measure "control page WG-TPM-001" "/dashboard/controls/WG-TPM-001" -b "$jar"
  measure "control page WG-TPM-001, status fail" "/dashboard/controls/WG-TPM-001?status=fail" -b "$jar"
  measure "API /api/v1/hosts?limit=100&offset=5000" "/api/v1/hosts?limit=100&offset=5000" -H "Authorization: Bearer $token"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

seeded=0
for size in $sizes; do
  out=$(dotnet "$work/bench/FleetBench.dll" "$db" $((size - seeded)) "$reports" "$seeded")
  echo "$out" | head -n 1
  agent=$(echo "$out" | tail -n 1)
  seeded=$size
  bytes=$(db_bytes)
  echo "== $size hosts: database $((bytes / 1048576)) MiB = $((bytes / size)) bytes per host, $((bytes / size / reports)) bytes per report"
  pages "$work/agg/weightguard-aggregator" "this tree"
  if [[ -n "${BEFORE:-}" ]]; then requests=${BEFORE_REQUESTS:-$requests} pages "$work/before/weightguard-aggregator" "before ($BEFORE)"; fi
done
