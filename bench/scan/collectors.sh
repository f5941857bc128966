#!/usr/bin/env bash
# Scan time and peak memory before and after a change to the collectors, side by side with `lynis audit system --quick`
# in the same run: builds `weightguard` from BASE (default: where this branch left main) and from the working tree, scans this host with each
# (RUNS times, median wall time, peak RSS), then runs lynis once. Needs: dotnet, git, lynis, GNU time (/usr/bin/time).
#
# Last run (2 shared cores under other builds, load average 13-60; base 5530527 against the network-storage,
# allow-listing, firmware and EDR collectors, 3 runs): scan before 10.82 s / 92.9 MiB peak RSS; after 8.71 s / 93.2 MiB;
# lynis audit system --quick in the same run 526.1 s / 81.8 MiB (one run). The difference between the scans is noise:
# the new collectors read the mount table, a fixed set of unit files and sysfs entries per weight path, and /proc
# once (shared with the logging collector); fwupdmgr is not installed here, so it did not run.
# Earlier run (base ae2fffc, the stray-weight search): before 1.82 s / 67.4 MiB; after 17.91 s / 90.9 MiB; lynis 469.8 s.
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
