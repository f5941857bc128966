#!/usr/bin/env bash
# Builds the agent's RPM: the NativeAOT weightguard binary, the default configuration (%config(noreplace)), the hardened
# systemd unit (the files the .deb ships, from packaging/systemd and packaging/config) and weightguard-agent.spec's
# scriptlets.
#
#   packaging/rpm/build.sh [OUTDIR]        default OUTDIR: artifacts/ at the repository root
#   ARCH=arm64 packaging/rpm/build.sh      aarch64 (x86_64 by default; see packaging/publish.sh)
#
# Writes OUTDIR/weightguard-agent-<version>-1.<arch>.rpm and prints its path. Needs the .NET SDK and rpmbuild (Debian:
# the rpm package); no root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$(mkdir -p "${1:-$repo/artifacts}" && cd "${1:-$repo/artifacts}" && pwd)
case "${ARCH:-amd64}" in
  amd64) rid=linux-x64 target=x86_64 ;;
  arm64) rid=linux-arm64 target=aarch64 ;;
  *) echo "ARCH=$ARCH: amd64 or arm64" >&2; exit 2 ;;
esac
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props")
[ -n "$version" ] || { echo "no <Version> in Directory.Build.props" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
"$repo/packaging/publish.sh" "$rid" "$stage/usr/bin" >/dev/null
install -D -m 0644 "$repo/packaging/systemd/weightguard-agent.service" "$stage/usr/lib/systemd/system/weightguard-agent.service"
install -D -m 0640 "$repo/packaging/config/agent.yaml" "$stage/etc/weightguard/agent.yaml"

rpmbuild -bb --quiet --target "$target" \
  --define "_topdir $work/rpmbuild" --define "_rpmdir $out" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
  --define "wg_version $version" --define "wg_stage $stage" \
  "$here/weightguard-agent.spec" >&2
echo "$out/weightguard-agent-$version-1.$target.rpm"
