# Sourced by the bench scripts: a scratch folder, a private swtpm and the weightguard binary to measure.
# After sourcing: $work (removed on exit), $port (swtpm's command port), and cli (an array: the command to run).
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
bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if dotnet publish -c Release -p:WeightGuardAot=true "$bench_root/src/WeightGuard.Cli" -o "$work/cli" >/dev/null 2>&1 && [[ -x "$work/cli/weightguard" ]]; then
  cli=("$work/cli/weightguard")
else
  dotnet build -c Release "$bench_root/src/WeightGuard.Cli" -o "$work/cli" >/dev/null
  cli=(dotnet "$work/cli/weightguard.dll")
fi
