#!/bin/sh
# Dashboard page latency at HOSTS hosts (whole requests with curl over TLS, one at a time, p50/p95), side by side with
# the JSON API listing the same fleet; then export + offline verify of an EXPORT_HOSTS-host bundle, side by side with
# `unzip -t` reading the same zip (the floor: inflate and CRC every entry).
# Usage: bench/dashboard/run.sh [HOSTS] [REQUESTS_PER_PAGE] [EXPORT_HOSTS]
# Needs: dotnet SDK, curl, unzip, GNU time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
hosts=${1:-10000}
requests=${2:-200}
export_hosts=${3:-1000}
port=${PORT:-18443}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

dotnet build -c Release "$repo/src/WeightGuard.Aggregator" -o "$work/agg" >/dev/null
dotnet build -c Release "$repo/src/WeightGuard.Cli" -o "$work/cli" >/dev/null
dotnet build -c Release "$here/../fleet/FleetBench.csproj" -o "$work/bench" >/dev/null
agg="dotnet $work/agg/weightguard-aggregator.dll"
echo "machine: $(nproc) cores, $(uname -sr); dotnet $(dotnet --version); SQLite store"

# --- page latency -------------------------------------------------------------------------------------------------
$agg init --data "$work/fleet" >/dev/null
start=$(date +%s)
agent=$(dotnet "$work/bench/FleetBench.dll" "$work/fleet" "$hosts" 2 | tail -n 1)
echo "seeded $hosts hosts (2 reports each) in $(( $(date +%s) - start )) s"
token=$($agg api-tokens create --data "$work/fleet" --role viewer --name bench | tail -n 1)
$agg serve --data "$work/fleet" --urls "https://127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
base="https://127.0.0.1:$port"
for _ in $(seq 1 120); do curl -ks -o /dev/null "$base/dashboard/sign-in" && break; sleep 0.5; done

jar="$work/cookies"
csrf=$(curl -ks -c "$jar" "$base/dashboard/sign-in" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -ks -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "token=$token" "$base/dashboard/sign-in"

measure() { # NAME URL [curl options…]
  name=$1; url=$2; shift 2
  for _ in 1 2 3 4 5; do curl -ks -o /dev/null "$@" "$url"; done
  for _ in $(seq 1 "$requests"); do curl -ks -o /dev/null -w '%{time_total}\n' "$@" "$url"; done | sort -n > "$work/times"
  bytes=$(curl -ks "$@" "$url" | wc -c)
  awk -v name="$name" -v bytes="$bytes" '{ t[NR] = $1 } END {
    p50 = t[int(NR * 0.50 + 0.5)]; p95 = t[int(NR * 0.95 + 0.5)];
    printf "%-34s p50 %7.1f ms   p95 %7.1f ms   %8d bytes\n", name, p50 * 1000, p95 * 1000, bytes }' "$work/times"
}
echo "page latency, $requests sequential requests each:"
measure "JSON API /api/v1/hosts (peer)" "$base/api/v1/hosts" -H "Authorization: Bearer $token"
measure "overview" "$base/dashboard" -b "$jar"
measure "overview, label+profile filter" "$base/dashboard?label=training&profile=rand-sl2" -b "$jar"
measure "host page" "$base/dashboard/hosts/$agent" -b "$jar"
measure "control page (WG-TPM-001)" "$base/dashboard/controls/WG-TPM-001" -b "$jar"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

# --- export and verify --------------------------------------------------------------------------------------------
$agg init --data "$work/small" >/dev/null
dotnet "$work/bench/FleetBench.dll" "$work/small" "$export_hosts" 2 >/dev/null
timed() { # NAME command…
  name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/out" "$work/err"; exit 1; }
  read -r seconds kb < "$work/time"
  printf "%-34s %6.2f s   peak RSS %4d MiB\n" "$name" "$seconds" $((kb / 1024))
}
echo "evidence bundle of $export_hosts hosts ($((export_hosts * 2)) reports, no TPM quotes):"
timed "weightguard-aggregator export" $agg export --data "$work/small" --out "$work/bundle.zip"
echo "  bundle: $(( $(wc -c < "$work/bundle.zip") / 1024 )) KiB, $(unzip -Z1 "$work/bundle.zip" | wc -l) files"
timed "weightguard evidence verify" dotnet "$work/cli/weightguard.dll" evidence verify "$work/bundle.zip" --trust "$work/small/ca.crt"
timed "unzip -t (peer floor)" unzip -tq "$work/bundle.zip"
