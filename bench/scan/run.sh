#!/usr/bin/env bash
# Whole-process comparison on this machine, in one run: `weightguard scan` (framework-dependent Release build, and the
# NativeAOT build when WG_AOT=1) against `lynis audit system --quick`; then the weight-inventory walk over 100,000 files,
# empty ones and ones with a few bytes each (those the walk reads the head of, looking for key material), beside `find`
# with a stat per file and beside a scan of a tree with no weight files (what the rest of the scan costs).
#
# Last run (2 shared cores under heavy load from other work, so wall times swing; CPU times from GNU time are steadier):
# the walk's share (scan minus the scan of a tree with no weight files) over 100,000 empty files took 0.6x the CPU of
# `find -printf` (0.55 s against 0.97 s) and 1.6 s against 2.5 s wall; the previous walk (one stat per entry in the
# enumeration, then a stat and an open of every small file) took 1.8x find's CPU and 4.4 s wall. Over 100,000 files
# of a few bytes, each opened for a head read, the walk took 1.5x find's CPU (1.45 s against 0.97 s; previous walk 1.9x).
# Prints wall time (median of RUNS) and peak RSS. Needs: dotnet, lynis, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish src/WeightGuard.Cli -c Release -o "$out/fdd" >/dev/null
bins=("$out/fdd/weightguard")
if [ "${WG_AOT:-0}" = 1 ]; then
  dotnet publish src/WeightGuard.Cli -c Release -r linux-x64 -p:WeightGuardAot=true -o "$out/aot" >/dev/null
  bins+=("$out/aot/weightguard")
fi

source bench/scan/measure.sh


for b in "${bins[@]}"; do measure "weightguard scan ($(basename "$(dirname "$b")"))" "$b" scan --format json; done
if command -v lynis >/dev/null; then
  RUNS=1 measure "lynis audit system --quick" lynis audit system --quick --no-colors --no-log
fi

mkdir -p "$out/tree/models/shards"
(cd "$out/tree/models/shards" && seq -f 'f%06g.txt' 1 100000 | xargs touch)
measure "inventory walk, 100,000 files (weightguard)" "${bins[0]}" scan --root "$out/tree" --weights /models --format json
measure "find -type f -printf (stat per file)" find "$out/tree/models" -type f -printf '%s %m %u\n'
mkdir -p "$out/small/models/shards" "$out/none/models"
(cd "$out/small/models/shards" && seq -f 'f%06g.txt' 1 100000 | xargs sh -c 'for f; do echo "tokenizer shard $f" >"$f"; done' _)
measure "inventory walk, 100,000 small files (weightguard)" "${bins[0]}" scan --root "$out/small" --weights /models --format json
measure "find -type f -printf, small files" find "$out/small/models" -type f -printf '%s %m %u\n'
measure "weightguard scan of a tree with no weight files" "${bins[0]}" scan --root "$out/none" --weights /models --format json
