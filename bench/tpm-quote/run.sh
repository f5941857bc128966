#!/usr/bin/env bash
# Runs the TPM quote and event-log benchmarks against a private swtpm, side by side with tpm2-tools.
# Needs: dotnet, swtpm, tpm2-tools. Usage: bench/tpm-quote/run.sh [ITERATIONS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
iterations="${1:-20}"
source "$here/../common.sh"
dotnet run -c Release --project "$here/TpmQuoteBench.csproj" -- \
  --port "$port" --dir "$work" --iterations "$iterations" --cli "${cli[-1]}" \
  --eventlogs "$root/../shared/testdata/tpm-eventlogs"
