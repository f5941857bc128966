#!/bin/sh
# Installs, exercises and erases an RPM with `rpm --root` in a throw-away root: inside a private mount namespace, a tmpfs
# whose usr, etc and var are overlays on this machine's (so the scriptlets find a shell, getent, useradd and systemctl
# there, and every change lands in the tmpfs), with /dev bound in.
#   unshare --mount --propagation private sh THIS RPM
# rpm runs with --nodeps: the new root's RPM database is empty (this machine's glibc, OpenSSL and shadow-utils are not
# RPM-installed), so the package's Requires could never be met there although the files they name are present.
# Prints "key=value" facts for the test to check; stops at the first failing step.
set -eu
rpmfile=$1
root=$(mktemp -d)
mount -t tmpfs tmpfs "$root"
for dir in etc usr var; do
    mkdir -p "$root/.$dir-upper" "$root/.$dir-work" "$root/$dir"
    mount -t overlay overlay -o "lowerdir=/$dir,upperdir=$root/.$dir-upper,workdir=$root/.$dir-work" "$root/$dir"
done
for link in bin sbin lib lib64; do
    [ -e "/$link" ] && ln -s "usr/$link" "$root/$link"
done
mkdir -p "$root/dev" "$root/tmp" "$root/run"
mount --bind /dev "$root/dev"
# A fresh RPM database in the new root, where RHEL keeps it (Debian's rpm defaults to ~/.rpmdb).
rpm_root() { rpm --root "$root" --dbpath /var/lib/rpm "$@"; }
rm -rf "$root/var/lib/rpm"
rpm_root --initdb
in_root() { chroot "$root" "$@"; }

rpm_root --nodeps -i "$rpmfile"
echo "installed=$(rpm_root -q weightguard-agent)"
echo "verify=$(rpm_root -V --nodeps weightguard-agent >/dev/null 2>&1 && echo ok || rpm_root -V --nodeps weightguard-agent | tr "\n" ";")"
echo "user=$(in_root getent passwd weightguard | cut -d: -f1,6,7)"
echo "groups=$(in_root id -nG weightguard)"
echo "config=$(in_root stat -c '%a %U:%G' /etc/weightguard/agent.yaml)"
echo "configdir=$(in_root stat -c '%a %U:%G' /etc/weightguard)"
echo "state=$(in_root stat -c '%a %U:%G' /var/lib/weightguard)"
echo "identity=$(in_root stat -c '%a %U:%G' /var/lib/weightguard/identity)"
echo "logs=$(in_root stat -c '%a %U:%G' /var/log/weightguard)"
echo "enabled=$(test -L "$root/etc/systemd/system/multi-user.target.wants/weightguard-agent.service" && echo yes || echo no)"
echo "version-as-service-user=$(in_root setpriv --reuid weightguard --regid weightguard --init-groups /usr/bin/weightguard --version)"

rpm_root --nodeps -e weightguard-agent
echo "erased-binary=$(test -e "$root/usr/bin/weightguard" && echo present || echo gone)"
echo "erased-config=$(test -e "$root/etc/weightguard" && echo present || echo gone)"
echo "erased-state=$(test -e "$root/var/lib/weightguard" && echo present || echo gone)"
echo "erased-enable=$(test -L "$root/etc/systemd/system/multi-user.target.wants/weightguard-agent.service" && echo present || echo gone)"
echo "account-after-erase=$(in_root getent passwd weightguard >/dev/null && echo kept || echo gone)"
