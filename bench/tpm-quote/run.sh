#!/usr/bin/env bash
# Runs the TPM quote and event-log benchmarks against a private swtpm, side by side with tpm2-tools.
# Needs: dotnet, swtpm, tpm2-tools. Usage: bench/tpm-quote/run.sh [ITERATIONS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
iterations="${1:-20}"
work="$(mktemp -d)"
port=$(( 30000 + RANDOM % 20000 ))

cleanup() {
  if [[ -f "$work/swtpm.pid" ]]; then kill "$(cat "$work/swtpm.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/state"
swtpm socket --tpm2 --tpmstate dir="$work/state" \
  --server type=tcp,port=$port,bindaddr=127.0.0.1 --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
  --flags not-need-init,startup-clear --pid file="$work/swtpm.pid" -d

# The shipped form is NativeAOT; fall back to the JIT build where the AOT toolchain is missing.
if dotnet publish -c Release -p:WeightGuardAot=true "$root/src/WeightGuard.Cli" -o "$work/cli" >/dev/null 2>&1 && [[ -x "$work/cli/weightguard" ]]; then
  cli="$work/cli/weightguard"
else
  dotnet build -c Release "$root/src/WeightGuard.Cli" -o "$work/cli" >/dev/null
  cli="$work/cli/weightguard.dll"
fi
dotnet run -c Release --project "$here/TpmQuoteBench.csproj" -- \
  --port "$port" --dir "$work" --iterations "$iterations" --cli "$cli" \
  --eventlogs "$root/../shared/testdata/tpm-eventlogs"
