#!/usr/bin/env bash
# Scan time and peak memory before and after a change to the collectors, side by side with `lynis audit system --quick`
# in the same run: builds `weightguard` from BASE (default: where this branch left main) and from the working tree, scans this host with each
# (RUNS times, median wall time, peak RSS), then runs lynis once. Needs: dotnet, git, lynis, GNU time (/usr/bin/time).
#
# Last run (2 shared cores, base ae2fffc, 3 runs): scan before 1.82 s / 67.4 MiB peak RSS; after 17.91 s / 90.9 MiB;
# lynis audit system --quick in the same run 469.8 s / 82.0 MiB (one run).
# The difference is the stray-weight search (WG-INV-002): on this build machine /root holds 251,540 entries (package
# caches) and /tmp 16,426, all walked; its entry budget (1,000,000) bounds it but does not make it cheap.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${BASE:-$(git merge-base HEAD main)}
RUNS=${RUNS:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

mkdir -p "$out/base-src"
git archive "$BASE" | tar -x -C "$out/base-src"
dotnet publish "$out/base-src/src/WeightGuard.Cli" -c Release -o "$out/base" >/dev/null
dotnet publish src/WeightGuard.Cli -c Release -o "$out/head" >/dev/null

source bench/scan/measure.sh


measure "weightguard scan ($BASE)" "$out/base/weightguard" scan --format json
measure "weightguard scan (working tree)" "$out/head/weightguard" scan --format json
if command -v lynis >/dev/null; then
  RUNS=1 measure "lynis audit system --quick" lynis audit system --quick --no-colors --no-log
fi
