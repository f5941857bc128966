#!/usr/bin/env bash
# GPU attestation report verification time: WeightGuard against OpenSSL's chain and signature checks on NVIDIA's sample.
# Needs: dotnet, openssl. Usage: bench/gpu-report/run.sh [ITERATIONS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet run -c Release --project "$here/GpuReportBench.csproj" -- \
  --samples "$root/tests/fixtures/gpu/nvidia" --work "$work" --iterations "${1:-200}"
