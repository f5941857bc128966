#!/bin/sh
# LUKS header parsing and storage-chain resolution, side by side with cryptsetup luksDump and lsblk.
# Usage: bench/luks/run.sh [SECONDS_PER_MEASUREMENT] [PATH_TO_RESOLVE]
# Needs: dotnet SDK, cryptsetup, lsblk (util-linux).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
seconds=${1:-3}
path=${2:-/}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The shipped form is NativeAOT; fall back to the JIT build where the AOT toolchain is missing.
if dotnet publish -c Release -r linux-x64 -p:WeightGuardAot=true "$repo/src/WeightGuard.Cli" -o "$work/cli" >/dev/null 2>&1; then
  cli="$work/cli/weightguard"; echo "weightguard: NativeAOT build"
else
  dotnet build -c Release "$repo/src/WeightGuard.Cli" -o "$work/cli" >/dev/null
  cli="$work/cli/weightguard.dll"; echo "weightguard: JIT build (NativeAOT toolchain not available)"
fi
dotnet build -c Release "$here/LuksBench.csproj" -o "$work/bench" >/dev/null

printf 'benchmark key' > "$work/key"
for v in 1 2; do
  truncate -s 20M "$work/luks$v.img"
done
cryptsetup luksFormat -q --type luks1 --key-file "$work/key" --pbkdf-force-iterations 1000 "$work/luks1.img"
cryptsetup luksFormat -q --type luks2 --key-file "$work/key" --pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 "$work/luks2.img"
cryptsetup luksAddKey -q --key-file "$work/key" --pbkdf pbkdf2 --pbkdf-force-iterations 1000 "$work/luks2.img" "$work/key"
printf '%s' '{"type":"systemd-tpm2","keyslots":["1"],"tpm2-blob":"AA==","tpm2-pcrs":[7],"tpm2-pcr-bank":"sha256","tpm2-policy-hash":"00","tpm2-pin":false}' \
  | cryptsetup token import "$work/luks2.img"

echo "machine: $(nproc) cores, $(uname -sr); cryptsetup $(cryptsetup --version | cut -d' ' -f2); dotnet $(dotnet --version)"
dotnet "$work/bench/LuksBench.dll" "$cli" "$seconds" "$path" "$work/luks1.img" "$work/luks2.img"
