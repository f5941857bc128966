#!/usr/bin/env bash
# Evidence export and verification in bounded memory (issue D3). Seeds an aggregator (SQLite) with HOSTS hosts, each
# with one real report of this machine, then measures as whole processes (wall s, peak RSS KiB, GNU time):
#   - `weightguard-aggregator export` of every host, built from this tree ("after") and from BASE ("before");
#   - `weightguard evidence verify` of a VERIFY-host export, both builds;
#   - side by side, in the same run: `zip -r` and `sha256sum` over the same files, unpacked from the bundle.
#   - the export of one host, the process's own footprint, so that the growth an export of HOSTS adds can be read off.
# Needs: dotnet, zip, unzip, GNU time. Usage: bench/export/run.sh [HOSTS] [VERIFY] [BASE]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
hosts="${1:-10000}"; verify_hosts="${2:-1000}"; base="${3:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() {  # build TREE OUT: the aggregator and the CLI of a source tree, Release
  dotnet build -c Release "$1/src/WeightGuard.Aggregator" -o "$2/aggregator" >"$work/build.log" 2>&1 || { tail -n 20 "$work/build.log"; return 1; }
  dotnet build -c Release "$1/src/WeightGuard.Cli" -o "$2/cli" >"$work/build.log" 2>&1 || { tail -n 20 "$work/build.log"; return 1; }
}
measure() {  # prints "wall_s max_rss_kib" of the command
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; return 1; }
  cat "$work/time"
}

build "$root" "$work/after"
builds=(after)
if [[ -n "$base" ]]; then
  mkdir "$work/base-src" && git -C "$root" archive "$base" | tar -x -C "$work/base-src"
  build "$work/base-src" "$work/before"
  builds=(before after)
fi
dotnet "$work/after/cli/weightguard.dll" scan --tpm none --format json --output "$work/template.json" 2>/dev/null || true
for n in 1 "$hosts" "$verify_hosts"; do
  dotnet run -c Release --project "$here/ExportBench.csproj" -- --data "$work/data-$n" --hosts "$n" --report "$work/template.json"
done

for b in "${builds[@]}"; do
  # The export of one host is the process's own footprint: growth is what the larger exports add to it.
  for n in 1 "$hosts" "$verify_hosts"; do
    rm -f "$work/$b-$n.zip"
    echo "export $n hosts ($b): wall s, max RSS KiB: $(measure dotnet "$work/$b/aggregator/weightguard-aggregator.dll" export --data "$work/data-$n" --out "$work/$b-$n.zip")"
  done
  echo "verify $verify_hosts hosts ($b): wall s, max RSS KiB: $(measure dotnet "$work/$b/cli/weightguard.dll" evidence verify "$work/$b-$verify_hosts.zip" --trust "$work/data-$verify_hosts/ca.crt")"
  tail -n 2 "$work/out"
done

# The same files, by generic tools: unpack the newest export, then zip them again and hash them.
rm -rf "$work/x" && mkdir "$work/x" && unzip -q "$work/after-$hosts.zip" -d "$work/x"
echo "bundle: $(du -b "$work/after-$hosts.zip" | cut -f1) bytes, $(find "$work/x" -type f | wc -l) files, $(du -sb "$work/x" | cut -f1) bytes unpacked"
echo "zip -r of the same files: wall s, max RSS KiB: $(cd "$work/x" && measure zip -q -r "$work/peer.zip" .)"
echo "sha256sum of the same files: wall s, max RSS KiB: $(cd "$work/x" && measure bash -c 'find . -type f -print0 | xargs -0 sha256sum >/dev/null')"
