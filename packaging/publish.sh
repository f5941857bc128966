#!/usr/bin/env bash
# Publishes the weightguard command as one self-contained NativeAOT executable and copies just that file to OUTDIR.
#
#   packaging/publish.sh RID OUTDIR        RID: linux-x64, linux-arm64 or win-x64
#
# NativeAOT needs the platform's native linker: on Debian/Ubuntu `clang` or `gcc` with `zlib1g-dev`; on Windows the
# Visual Studio "Desktop development with C++" tools (run this from Git Bash, or the dotnet publish line by hand).
# A linux-arm64 binary is built on an arm64 machine, or on x64 with clang, lld and an arm64 sysroot
# (.NET's NativeAOT cross-compilation guide).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 RID OUTDIR" >&2; exit 2; }
rid=$1 out=$2
cd "$(dirname "$0")/.."

publish=$(mktemp -d)
trap 'rm -rf "$publish"' EXIT
dotnet publish src/WeightGuard.Cli -c Release -r "$rid" -p:WeightGuardAot=true -o "$publish" >&2

exe=weightguard
case "$rid" in win-*) exe=weightguard.exe ;; esac
mkdir -p "$out"
install -m 0755 "$publish/$exe" "$out/$exe"
echo "$out/$exe"
