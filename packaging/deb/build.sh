#!/usr/bin/env bash
# Builds the agent's Debian package: the NativeAOT weightguard binary, the default configuration (a conffile), the
# hardened systemd unit and the maintainer scripts.
#
#   packaging/deb/build.sh [OUTDIR]        default OUTDIR: artifacts/ at the repository root
#   ARCH=arm64 packaging/deb/build.sh      another Debian architecture (amd64 by default; see packaging/publish.sh)
#
# Writes OUTDIR/weightguard-agent_<version>_<arch>.deb and prints its path. Needs the .NET SDK and dpkg-deb; no root or
# fakeroot (--root-owner-group makes every file root:root; postinst hands the configuration to the service's group).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$(mkdir -p "${1:-$repo/artifacts}" && cd "${1:-$repo/artifacts}" && pwd)
arch=${ARCH:-amd64}
case "$arch" in
  amd64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "ARCH=$arch: amd64 or arm64" >&2; exit 2 ;;
esac
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props")
[ -n "$version" ] || { echo "no <Version> in Directory.Build.props" >&2; exit 2; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

"$repo/packaging/publish.sh" "$rid" "$stage/usr/bin" >/dev/null
install -D -m 0644 "$repo/packaging/systemd/weightguard-agent.service" "$stage/usr/lib/systemd/system/weightguard-agent.service"
install -D -m 0640 "$repo/packaging/config/agent.yaml" "$stage/etc/weightguard/agent.yaml"
chmod 0750 "$stage/etc/weightguard"
install -d -m 0755 "$stage/DEBIAN"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$stage/DEBIAN/"
echo /etc/weightguard/agent.yaml > "$stage/DEBIAN/conffiles"

# libc6 2.34 is what the NativeAOT binary links against (objdump -T); libssl is loaded at run time for TLS.
cat > "$stage/DEBIAN/control" <<CONTROL
Package: weightguard-agent
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-WeightGuard <packaging@weightguard.invalid>}
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: libc6 (>= 2.34), libssl3 | libssl3t64, adduser
Recommends: tpm-udev
Section: admin
Priority: optional
Description: WeightGuard agent: model-weight protection checks for GPU servers
 Scans this host on a schedule — where model weights live, who can read them,
 whether the storage under them is encrypted and how it unlocks, keys stored
 beside them, boot, kernel and TPM state — judges it against a control profile
 (RAND SL1-SL5, NCSC secure AI, DSIT AI code of practice) and sends the
 TPM-quoted report to the WeightGuard aggregator.
CONTROL

deb="$out/weightguard-agent_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
