#!/usr/bin/env bash
# Whole-process comparison on this machine, in one run, of `weightguard scan --hash`:
#   1. one multi-GB weight file: against `openssl dgst -sha256` and `sha256sum` on the same (page-cached) file;
#   2. the same bytes split over FILES files: weightguard's parallel hashing against openssl one file after another
#      and against `xargs -P` running one openssl per core;
#   3. 100,000 small weight files: first hashing scan, re-scan from the digest cache, scan without hashing, `find` with a
#      stat per file.
# weightguard's hashing time is its scan with --hash minus the same scan without (the rest of the scan is the same).
# Prints medians of RUNS and the ratios. Needs: dotnet, openssl, sha256sum, GNU time (/usr/bin/time), bc.
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

median() { # command... ; prints the median wall time in seconds
  local times=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e' -o "$out/t" "$@" >/dev/null 2>&1 || true
    times+=("$(tail -n 1 "$out/t")")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
row() { printf '%-58s %7.2f s\n' "$1" "$2"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

# 1. One large file. The GGUF magic makes it a weight file; the rest is random (nothing sparse, nothing compressible).
mkdir -p "$out/one/models"
{ printf 'GGUF'; head -c "$(( SIZE_MB * 1024 * 1024 - 4 ))" /dev/urandom; } >"$out/one/models/big.gguf"
cat "$out/one/models/big.gguf" >/dev/null # warm the page cache
echo "== one file of $SIZE_MB MiB (page-cached)"
openssl_one=$(median openssl dgst -sha256 "$out/one/models/big.gguf"); row "openssl dgst -sha256" "$openssl_one"
sha256sum_one=$(median sha256sum "$out/one/models/big.gguf"); row "sha256sum" "$sha256sum_one"
plain_one=$(median "$scan" "$out/one"); row "weightguard scan (no hashing)" "$plain_one"
hash_one=$(median "$scan" "$out/one" --hash); row "weightguard scan --hash" "$hash_one"
wg_one=$(echo "$hash_one - $plain_one" | bc -l); row "weightguard hashing (difference)" "$wg_one"
echo "weightguard SHA-256 speed / openssl: $(ratio "$openssl_one" "$wg_one")   / sha256sum: $(ratio "$sha256sum_one" "$wg_one")"

# 2. The same bytes over several files.
mkdir -p "$out/many/models"
(cd "$out/many/models" && split -n "$FILES" -d -a 3 "$out/one/models/big.gguf" part && for f in part*; do mv "$f" "$f.gguf"; done
 for f in part*.gguf; do printf 'GGUF' | dd of="$f" conv=notrunc status=none; done)
rm "$out/one/models/big.gguf"
cat "$out"/many/models/* >/dev/null
echo "== the same bytes in $FILES files, $(nproc) processors"
seq_many=$(median openssl dgst -sha256 "$out"/many/models/*); row "openssl dgst -sha256, one file after another" "$seq_many"
par_many=$(median sh -c "ls '$out'/many/models/* | xargs -P $(nproc) -n 1 openssl dgst -sha256"); row "openssl dgst -sha256 under xargs -P $(nproc)" "$par_many"
plain_many=$(median "$scan" "$out/many"); hash_many=$(median "$scan" "$out/many" --hash)
wg_many=$(echo "$hash_many - $plain_many" | bc -l); row "weightguard hashing (scan --hash minus scan)" "$wg_many"
echo "weightguard / sequential openssl: $(ratio "$seq_many" "$wg_many")x faster   / parallel openssl: $(ratio "$par_many" "$wg_many")"
rm -rf "$out/many"

# 3. 100,000 small weight files, then again from the digest cache.
mkdir -p "$out/small/models/shards"
(cd "$out/small/models/shards" && seq -f 'w%06g.gguf' 1 100000 | xargs sh -c 'for f; do printf "GGUF\3\0\0\0%s" "$f" >"$f"; done' _)
echo "== 100,000 small weight files"
row "find -type f -printf (stat per file)" "$(median find "$out/small/models" -type f -printf '%s %m %u\n')"
row "weightguard scan (no hashing)" "$(median "$scan" "$out/small")"
row "sha256sum of every file (xargs)" "$(median sh -c "find '$out/small/models' -type f -print0 | xargs -0 sha256sum")"
/usr/bin/time -f '%e' -o "$out/t" "$scan" "$out/small" --hash --digest-cache "$out/cache" >/dev/null 2>&1 || true
row "weightguard scan --hash, empty digest cache" "$(tail -n 1 "$out/t")"
row "weightguard scan --hash, re-scan from the digest cache" "$(median "$scan" "$out/small" --hash --digest-cache "$out/cache")"
