#!/usr/bin/env bash
# A 1,000-host evidence bundle: times the writer (export), then `weightguard evidence verify` as a whole process, side by
# side with what generic tools can check of the same bundle (unzip + sha256sum over the manifest + openssl cms -verify;
# they check integrity and signature only: no quotes, no event logs, no re-evaluation).
# Needs: dotnet, swtpm, tpm2-tools, unzip, openssl, GNU time. Usage: bench/evidence/run.sh [HOSTS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
hosts="${1:-1000}"
source "$here/../common.sh"

# One real report of this machine is the template for every host.
"${cli[@]}" scan --tpm none --format json --output "$work/template.json" 2>/dev/null || true
dotnet run -c Release --project "$here/EvidenceBench.csproj" -- \
  --port "$port" --dir "$work" --hosts "$hosts" --report "$work/template.json" --catalog "$root" \
  --eventlog "$root/tests/WeightGuard.Evidence.Tests/fixtures/event-sd-boot-fedora37.bin"

measure() {  # prints "wall_s max_rss_kib" of the command
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; return 1; }
  cat "$work/time"
}

peer() {
  rm -rf "$work/x" && mkdir "$work/x" && cd "$work/x"
  unzip -q "$work/bundle.zip"
  python3 -c 'import json,sys; [print(f["sha256"]+"  "+f["path"]) for f in json.load(open("manifest.json"))["files"]]' > "$work/sums"
  sha256sum --quiet -c "$work/sums"
  openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json -CAfile "$work/ca.pem" -purpose any -out /dev/null 2>/dev/null
  cd "$work"
}
export -f peer; export work

echo "verify (weightguard evidence verify, whole process; 3 runs: wall s, max RSS KiB):"
for _ in 1 2 3; do measure "${cli[@]}" evidence verify "$work/bundle.zip" --trust "$work/ca.pem"; done
tail -n 3 "$work/out"
echo "peer (unzip + sha256sum -c + openssl cms -verify; 3 runs: wall s, max RSS KiB):"
for _ in 1 2 3; do measure bash -c peer; done
