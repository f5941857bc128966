#!/usr/bin/env bash
# Coverage-guided fuzzing of WeightGuard's parsers: builds the harness, instruments WeightGuard's assemblies (and
# YamlDotNet, whose paths the catalogue targets reach) with SharpFuzz, and runs afl-fuzz on each TARGET for SECONDS.
# Prints, per target, the executions and the coverage AFL reached; exits 1 when any target crashed or hung.
# Usage: fuzz/run.sh SECONDS [TARGET...]   (every target when none is named)
set -uo pipefail
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}; shift
cd "$(dirname "$0")"
export PATH="$PATH:$HOME/.dotnet/tools"   # where dotnet tool install --global puts sharpfuzz
for tool in afl-fuzz sharpfuzz; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (apt-get install afl++; dotnet tool install --global SharpFuzz.CommandLine)" >&2; exit 2; }
done

out=bin/afl
rm -rf "$out"
dotnet publish WeightGuard.Fuzz.csproj -c Release -o "$out" --nologo -v quiet >/dev/null || { echo "fuzz: build failed" >&2; exit 2; }
for assembly in WeightGuard.Core WeightGuard.Collectors WeightGuard.Evidence YamlDotNet; do
  sharpfuzz "$out/$assembly.dll" >/dev/null || { echo "fuzz: cannot instrument $assembly" >&2; exit 2; }
done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(dotnet "$out/WeightGuard.Fuzz.dll" list)

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_QUIET=1
status=0
for target in "${targets[@]}"; do
  findings=findings/$target
  rm -rf "$findings"; mkdir -p findings
  afl-fuzz -i "corpus/$target" -o "$findings" -t 5000 -m none -V "$seconds" -- dotnet "$out/WeightGuard.Fuzz.dll" afl "$target" >"$findings.log" 2>&1
  stats=$findings/default/fuzzer_stats
  if [ ! -f "$stats" ]; then echo "$target: afl-fuzz did not start (see fuzz/$findings.log)"; status=1; continue; fi
  execs=$(sed -n 's/^execs_done *: *//p' "$stats"); coverage=$(sed -n 's/^bitmap_cvg *: *//p' "$stats")
  crashes=$(find "$findings/default/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)
  hangs=$(find "$findings/default/hangs" -type f 2>/dev/null | wc -l)
  echo "$target: $execs executions in ${seconds}s, coverage $coverage, $crashes crashes, $hangs hangs"
  if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    status=1
    for input in "$findings"/default/crashes/id* "$findings"/default/hangs/id*; do
      [ -f "$input" ] && echo "  replay: dotnet run --project fuzz -- replay $target fuzz/$input"
    done
  fi
done
exit $status
