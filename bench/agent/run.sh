#!/usr/bin/env bash
# NativeAOT against framework-dependent: size on disk and start-up time of the weightguard command, whole process, on
# this machine, in one run. Start-up is `weightguard --version` and `weightguard scan --root EMPTYTREE` (a scan with
# nothing to find: process start, catalogue load, every collector, report), median of RUNS, via hyperfine when it is
# installed and a timed loop otherwise. Prints each figure and the ratios. Needs: dotnet, clang or gcc (NativeAOT).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-20}
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
