#!/usr/bin/env bash
# NativeAOT against framework-dependent, whole process, on this machine, in one run:
# - size on disk;
# - start-up: `weightguard --version` and `weightguard scan --root EMPTYTREE` (a scan with nothing to find: process
#   start, catalogue load, every collector, report), median of RUNS, via hyperfine when installed, else a timed loop;
# - scan peak memory: the peak resident set (ru_maxrss) of `weightguard scan` of this host;
# - the agent at rest: `weightguard agent run` with a 1 h interval scans this host once, then sits idle; over IDLE
#   seconds after that scan, the CPU time it used (utime + stime from /proc/PID/stat) and its resident set (VmRSS),
#   with its peak since start (VmHWM, the scan included). Each agent is enrolled (no TPM) with a scratch
#   weightguard-aggregator on loopback and idles from its first delivery: an agent that cannot deliver would retry.
# Prints each figure and the ratios. Needs: dotnet, clang or gcc (NativeAOT), python3, bc, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-20}
IDLE=${IDLE:-30}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish src/WeightGuard.Cli -c Release -o "$out/fdd" >/dev/null
packaging/publish.sh linux-x64 "$out/aot" >/dev/null 2>&1
mkdir -p "$out/empty"
fdd=("$out/fdd/weightguard")
aot=("$out/aot/weightguard")

runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2; d = $3 } END { gsub(/[][]/, "", d); print d "/" v }')
aot_bytes=$(stat -c %s "$out/aot/weightguard")
fdd_bytes=$(du -sb "$out/fdd" | cut -f1)
runtime_bytes=$(du -sb "$runtime" | cut -f1)
mib() { echo "scale=1; $1 / 1048576" | bc; }
echo "size: NativeAOT binary $(mib "$aot_bytes") MiB; framework-dependent app $(mib "$fdd_bytes") MiB + shared runtime $(mib "$runtime_bytes") MiB"
echo "size ratio (framework-dependent app + runtime) / NativeAOT: $(echo "scale=2; ($fdd_bytes + $runtime_bytes) / $aot_bytes" | bc)"

# Median wall time of a command in milliseconds.
median_ms() {
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$out/h.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
    python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"] * 1000, 1))' "$out/h.json"
    return
  fi
  "$@" >/dev/null 2>&1 || true  # warm the page cache
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N)
    times+=("$(( (end - start) / 1000 ))")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p" | awk '{ printf "%.1f\n", $1 / 1000 }'
}

for what in "--version" "scan --root $out/empty --format json"; do
  read -ra args <<<"$what"
  a=$(median_ms "${aot[@]}" "${args[@]}")
  f=$(median_ms "${fdd[@]}" "${args[@]}")
  printf 'weightguard %-36s NativeAOT %7.1f ms   framework-dependent %7.1f ms   ratio %.1fx\n' \
    "${what/$out\/empty/EMPTYTREE}" "$a" "$f" "$(echo "scale=2; $f / $a" | bc)"
done

# Peak resident set of one whole run, in MiB (the largest child's ru_maxrss; the command runs alone).
peak_mib() {
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1))' "$@"
}
a=$(peak_mib "${aot[@]}" scan --format json)
f=$(peak_mib "${fdd[@]}" scan --format json)
printf '%-48s NativeAOT %7.1f MiB  framework-dependent %7.1f MiB  ratio %.1fx\n' 'weightguard scan (this host): peak RSS' "$a" "$f" "$(echo "scale=2; $f / $a" | bc)"

# A scratch aggregator for the agents to deliver to.
dotnet publish src/WeightGuard.Aggregator -c Release -o "$out/aggregator" >/dev/null
aggregator=("$out/aggregator/weightguard-aggregator")
"${aggregator[@]}" init --data "$out/aggregator-data" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${aggregator[@]}" serve --data "$out/aggregator-data" --urls "https://127.0.0.1:$port" >"$out/aggregator.log" 2>&1 &
aggregator_pid=$!
trap 'kill "$aggregator_pid" 2>/dev/null; rm -rf "$out"' EXIT
until curl -skf "https://127.0.0.1:$port/api/v1/ca" >/dev/null; do
  kill -0 "$aggregator_pid" 2>/dev/null || { cat "$out/aggregator.log" >&2; exit 1; }
  sleep 0.2
done

# The agent between scans: prints "CPU-ms-over-IDLE VmRSS-MiB VmHWM-MiB".
agent_at_rest() {
  local dir="$out/agent-$1"; shift
  mkdir -p "$dir/state"
  "$@" enroll --server "https://127.0.0.1:$port" --tpm none --state "$dir/state" \
    --token "$("${aggregator[@]}" tokens create --data "$out/aggregator-data" --expires 1h | tail -n 1)" >/dev/null
  printf 'state: %s\ninterval: 1h\njitter: 0s\ntpm: none\nlog:\n  console: false\n' "$dir/state" >"$dir/agent.yaml"
  "$@" agent run --config "$dir/agent.yaml" >/dev/null 2>&1 &
  local pid=$!
  # Idle from the moment its report is delivered (status.json gains lastDelivery).
  until grep -q '"lastDelivery"' "$dir/state/status.json" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "agent run exited early" >&2; return 1; }
    sleep 0.2
  done
  local hz before after
  hz=$(getconf CLK_TCK)
  before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  sleep "$IDLE"
  after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  local rss hwm
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  echo "$(( (after - before) * 1000 / hz )) $(echo "scale=1; $rss / 1024" | bc) $(echo "scale=1; $hwm / 1024" | bc)"
}
read -r a_cpu a_rss a_hwm < <(agent_at_rest aot "${aot[@]}")
read -r f_cpu f_rss f_hwm < <(agent_at_rest fdd "${fdd[@]}")
printf '%-48s NativeAOT %7s ms   framework-dependent %7s ms\n' "agent run: CPU over ${IDLE}s idle after a scan" "$a_cpu" "$f_cpu"
printf '%-48s NativeAOT %7.1f MiB  framework-dependent %7.1f MiB  ratio %.1fx\n' 'agent run: idle RSS (VmRSS)' "$a_rss" "$f_rss" "$(echo "scale=2; $f_rss / $a_rss" | bc)"
printf '%-48s NativeAOT %7.1f MiB  framework-dependent %7.1f MiB  ratio %.1fx\n' 'agent run: peak RSS since start (VmHWM)' "$a_hwm" "$f_hwm" "$(echo "scale=2; $f_hwm / $a_hwm" | bc)"
