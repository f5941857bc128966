#!/usr/bin/env bash
# Whole-process comparison on this machine, in one run, of `weightguard scan --hash`:
#   1. one multi-GB weight file: against `openssl dgst -sha256` and `sha256sum` on the same (page-cached) file;
#   2. the same bytes split over FILES files: weightguard's parallel hashing against openssl one file after another
#      and against `xargs -P` running one openssl per core;
#   3. 100,000 small weight files: first hashing scan, re-scan from the digest cache, scan without hashing, `find` with a
#      stat per file.
# weightguard's hashing time is its scan with --hash minus the same scan without (the rest of the scan is the same).
# Prints medians of RUNS, wall time and CPU time (user + system: what the work costs, also on a machine shared with
# others, where wall time mostly measures the wait for a core), and the ratios of both.
# Needs: dotnet, openssl, sha256sum, GNU time (/usr/bin/time), bc.
#
# Last run (2 shared cores under heavy load, SIZE_MB=2048, RUNS=3; a ratio above 1 means weightguard is faster):
# one file: weightguard's hashing 1.53x openssl dgst's speed in wall time and 1.13x in CPU time (both hash with OpenSSL;
# openssl dgst reads 8 KiB at a time), 7.0x sha256sum's; four files on two cores: 1.22x sequential openssl and 1.24x
# openssl under xargs -P 2 (with both cores busy with other work, neither could gain from parallelism);
# 100,000 small weight files: a re-scan from the digest cache cost about 1.1 s of CPU over the same scan without
# hashing, about what `find -printf` spends on its stat per file (1.0 s).
# SIZE_MB (default 2048) sets the single file's size; FILES (default: processors, at least 4) the split.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
SIZE_MB=${SIZE_MB:-2048}
FILES=${FILES:-$(( $(nproc) > 4 ? $(nproc) : 4 ))}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish src/WeightGuard.Cli -c Release -o "$out/bin" >/dev/null
wg="$out/bin/weightguard"
# scan TREE [OPTIONS...]: a weight scan of the tree, never pausing for GPUs (the comparison is about hashing speed)
printf '#!/bin/sh\nroot=$1; shift\nexec "%s" scan --root "$root" --weights /models --format json --gpu-busy-percent 100 "$@"\n' "$wg" >"$out/scan"
chmod +x "$out/scan"
scan="$out/scan"

measure() { # command... ; prints the median wall time and the median CPU time in seconds
  local walls=() cpus=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S' -o "$out/t" "$@" >/dev/null 2>&1 || true
    read -r wall user sys < <(tail -n 1 "$out/t")
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc -l)")
  done
  local mid=$(( (RUNS + 1) / 2 ))
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "${mid}p") $(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${mid}p")"
}
row() { read -r wall cpu <<<"$2"; printf '%-58s %7.2f s wall %7.2f s CPU\n' "$1" "$wall" "$cpu"; }
minus() { read -r w1 c1 <<<"$1"; read -r w2 c2 <<<"$2"; echo "$(echo "$w1 - $w2" | bc -l) $(echo "$c1 - $c2" | bc -l)"; }
ratio() { read -r w1 c1 <<<"$1"; read -r w2 c2 <<<"$2"; printf 'wall %.2f, CPU %.2f' "$(echo "$w1 / $w2" | bc -l)" "$(echo "$c1 / $c2" | bc -l)"; }

# 1. One large file. The GGUF magic makes it a weight file; the rest is random (nothing sparse, nothing compressible).
mkdir -p "$out/one/models"
{ printf 'GGUF'; head -c "$(( SIZE_MB * 1024 * 1024 - 4 ))" /dev/urandom; } >"$out/one/models/big.gguf"
cat "$out/one/models/big.gguf" >/dev/null # warm the page cache
echo "== one file of $SIZE_MB MiB (page-cached)"
openssl_one=$(measure openssl dgst -sha256 "$out/one/models/big.gguf"); row "openssl dgst -sha256" "$openssl_one"
sha256sum_one=$(measure sha256sum "$out/one/models/big.gguf"); row "sha256sum" "$sha256sum_one"
plain_one=$(measure "$scan" "$out/one"); row "weightguard scan (no hashing)" "$plain_one"
hash_one=$(measure "$scan" "$out/one" --hash); row "weightguard scan --hash" "$hash_one"
wg_one=$(minus "$hash_one" "$plain_one"); row "weightguard hashing (difference)" "$wg_one"
echo "weightguard SHA-256 speed relative to openssl: $(ratio "$openssl_one" "$wg_one");  to sha256sum: $(ratio "$sha256sum_one" "$wg_one")"

# 2. The same bytes over several files.
mkdir -p "$out/many/models"
(cd "$out/many/models" && split -n "$FILES" -d -a 3 "$out/one/models/big.gguf" part && for f in part*; do mv "$f" "$f.gguf"; done
 for f in part*.gguf; do printf 'GGUF' | dd of="$f" conv=notrunc status=none; done)
rm "$out/one/models/big.gguf"
cat "$out"/many/models/* >/dev/null
echo "== the same bytes in $FILES files, $(nproc) processors"
seq_many=$(measure openssl dgst -sha256 "$out"/many/models/*); row "openssl dgst -sha256, one file after another" "$seq_many"
par_many=$(measure sh -c "ls '$out'/many/models/* | xargs -P $(nproc) -n 1 openssl dgst -sha256"); row "openssl dgst -sha256 under xargs -P $(nproc)" "$par_many"
plain_many=$(measure "$scan" "$out/many"); hash_many=$(measure "$scan" "$out/many" --hash)
wg_many=$(minus "$hash_many" "$plain_many"); row "weightguard hashing (scan --hash minus scan)" "$wg_many"
echo "weightguard speed relative to sequential openssl: $(ratio "$seq_many" "$wg_many");  to parallel openssl: $(ratio "$par_many" "$wg_many")"
rm -rf "$out/many"

# 3. 100,000 small weight files, then again from the digest cache.
mkdir -p "$out/small/models/shards"
(cd "$out/small/models/shards" && seq -f 'w%06g.gguf' 1 100000 | xargs sh -c 'for f; do printf "GGUF\3\0\0\0%s" "$f" >"$f"; done' _)
echo "== 100,000 small weight files"
row "find -type f -printf (stat per file)" "$(measure find "$out/small/models" -type f -printf '%s %m %u\n')"
row "sha256sum of every file (xargs)" "$(measure sh -c "find '$out/small/models' -type f -print0 | xargs -0 sha256sum")"
plain_small=$(measure "$scan" "$out/small"); row "weightguard scan (no hashing)" "$plain_small"
first_small=$(RUNS=1 measure "$scan" "$out/small" --hash --digest-cache "$out/cache"); row "weightguard scan --hash, empty digest cache" "$first_small"
again_small=$(measure "$scan" "$out/small" --hash --digest-cache "$out/cache"); row "weightguard scan --hash, re-scan from the digest cache" "$again_small"
row "re-scan from the cache minus scan without hashing" "$(minus "$again_small" "$plain_small")"
