#!/bin/bash
# Whole-process comparison: one `weightguard scan` (every collector, evaluation and report) against the standard tools
# that answer the platform questions it adds — effective sshd config, sudoers syntax, pending upgrades, firewall
# ruleset — run side by side on the same host. Prints the median wall time of each over N runs and the ratio.
# Usage: bench/platform-collectors.sh [WEIGHTGUARD-BINARY] [RUNS]
# Build the binary first: dotnet publish src/WeightGuard.Cli -c Release -r linux-x64 -p:WeightGuardAot=true -o out
set -u
wg=${1:-out/weightguard}
runs=${2:-21}
[ -x "$wg" ] || { echo "no weightguard binary at $wg" >&2; exit 2; }

median_ms() { # runs "$@" $runs times, prints the median wall time in ms
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    times+=($((($(date +%s%N) - t0) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

peers() {
  [ -x /usr/sbin/sshd ] && mkdir -p /run/sshd && /usr/sbin/sshd -T -f /etc/ssh/sshd_config
  command -v visudo >/dev/null && [ -f /etc/sudoers ] && visudo -c
  command -v apt >/dev/null && apt list --upgradable
  command -v nft >/dev/null && [ -f /etc/nftables.conf ] && nft -c -f /etc/nftables.conf
  command -v nvidia-smi >/dev/null && nvidia-smi -q -x && nvidia-smi conf-compute -f
  true
}

scan=$(median_ms "$wg" scan --profile rand-sl5 --format json --output /dev/null)
peer=$(median_ms peers)
echo "weightguard scan (all collectors + evaluation + report): ${scan} ms median of ${runs}"
echo "peer tools (sshd -T, visudo -c, apt list --upgradable, nft -c, nvidia-smi where present): ${peer} ms median of ${runs}"
awk -v a="$scan" -v b="$peer" 'BEGIN { if (b > 0) printf "ratio weightguard/peers: %.2f\n", a / b }'
/usr/bin/time -f "weightguard scan peak RSS: %M KiB" "$wg" scan --profile rand-sl5 --format json --output /dev/null 2>&1 >/dev/null | grep RSS
