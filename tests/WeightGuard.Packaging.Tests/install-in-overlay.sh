#!/bin/sh
# Installs, inspects and purges a .deb inside a private mount namespace whose /etc, /usr and /var are overlays on
# a tmpfs, so the machine running the test is left as it was. Run as: unshare --mount --propagation private sh THIS DEB
# Prints "key=value" facts for the test to check; stops at the first failing step.
set -eu
deb=$1
scratch=$(mktemp -d)
mount -t tmpfs tmpfs "$scratch"
for dir in etc usr var; do
    mkdir -p "$scratch/$dir/upper" "$scratch/$dir/work"
    mount -t overlay overlay -o "lowerdir=/$dir,upperdir=$scratch/$dir/upper,workdir=$scratch/$dir/work" "/$dir"
done

dpkg -i "$deb" >/dev/null
echo "user=$(getent passwd weightguard | cut -d: -f1,6,7)"
echo "groups=$(id -nG weightguard)"
echo "config=$(stat -c '%a %U:%G' /etc/weightguard/agent.yaml)"
echo "configdir=$(stat -c '%a %U:%G' /etc/weightguard)"
echo "state=$(stat -c '%a %U:%G' /var/lib/weightguard)"
echo "identity=$(stat -c '%a %U:%G' /var/lib/weightguard/identity)"
echo "logs=$(stat -c '%a %U:%G' /var/log/weightguard)"
echo "enabled=$(test -L /etc/systemd/system/multi-user.target.wants/weightguard-agent.service && echo yes || echo no)"
echo "version-as-service-user=$(setpriv --reuid weightguard --regid weightguard --init-groups /usr/bin/weightguard --version)"
echo "config-readable-by-service-user=$(setpriv --reuid weightguard --regid weightguard --init-groups head -c 0 /etc/weightguard/agent.yaml && echo yes)"

dpkg --purge weightguard-agent >/dev/null
echo "purged-binary=$(test -e /usr/bin/weightguard && echo present || echo gone)"
echo "purged-config=$(test -e /etc/weightguard && echo present || echo gone)"
echo "purged-state=$(test -e /var/lib/weightguard && echo present || echo gone)"
echo "purged-enable=$(test -L /etc/systemd/system/multi-user.target.wants/weightguard-agent.service && echo present || echo gone)"
echo "statoverrides=$(dpkg-statoverride --list | grep -c weightguard || true)"
