#!/bin/sh
# Installs, exercises and purges a .deb inside a private mount namespace whose /etc, /usr and /var are overlays on a
# tmpfs, so the machine running the test is left as it was.
#   unshare --mount --propagation private sh THIS DEB CAPABILITY REPORT
# CAPABILITY is the unit's ambient capability (dac_read_search); REPORT receives the JSON of a scan run as the service
# account with it. Prints "key=value" facts for the test to check; stops at the first failing step.
set -eu
deb=$1 capability=$2 report=$3
scratch=$(mktemp -d)
mount -t tmpfs tmpfs "$scratch"
for dir in etc usr var; do
    mkdir -p "$scratch/$dir/upper" "$scratch/$dir/work"
    mount -t overlay overlay -o "lowerdir=/$dir,upperdir=$scratch/$dir/upper,workdir=$scratch/$dir/work" "/$dir"
done

as_service_user() { setpriv --reuid weightguard --regid weightguard --init-groups "$@"; }
# What systemd grants the unit: the capability in the ambient, inheritable and bounding sets, and no_new_privs.
as_service() { as_service_user --inh-caps "+$capability" --ambient-caps "+$capability" --bounding-set "-all,+$capability" --no-new-privs "$@"; }
readable() { if "$@" 2>/dev/null; then echo read; else echo denied; fi; }

dpkg -i "$deb" >/dev/null
echo "user=$(getent passwd weightguard | cut -d: -f1,6,7)"
echo "groups=$(id -nG weightguard)"
echo "config=$(stat -c '%a %U:%G' /etc/weightguard/agent.yaml)"
echo "configdir=$(stat -c '%a %U:%G' /etc/weightguard)"
echo "state=$(stat -c '%a %U:%G' /var/lib/weightguard)"
echo "identity=$(stat -c '%a %U:%G' /var/lib/weightguard/identity)"
echo "logs=$(stat -c '%a %U:%G' /var/log/weightguard)"
echo "enabled=$(test -L /etc/systemd/system/multi-user.target.wants/weightguard-agent.service && echo yes || echo no)"
echo "version-as-service-user=$(as_service_user /usr/bin/weightguard --version)"
echo "config-as-service-user=$(readable as_service_user head -c 0 /etc/weightguard/agent.yaml)"
echo "sudoers-as-service-user=$(readable as_service_user head -c 0 /etc/sudoers)"
echo "sudoers-as-service=$(readable as_service head -c 0 /etc/sudoers)"
as_service /usr/bin/weightguard scan --tpm none --format json > "$report" || [ $? -eq 1 ]  # 1: ran, something failed

dpkg --purge weightguard-agent >/dev/null
echo "purged-binary=$(test -e /usr/bin/weightguard && echo present || echo gone)"
echo "purged-config=$(test -e /etc/weightguard && echo present || echo gone)"
echo "purged-state=$(test -e /var/lib/weightguard && echo present || echo gone)"
echo "purged-enable=$(test -L /etc/systemd/system/multi-user.target.wants/weightguard-agent.service && echo present || echo gone)"
echo "statoverrides=$(dpkg-statoverride --list | grep -c weightguard || true)"
