#!/usr/bin/env bash
# CI smoke test: Keepalived split-brains under a one-way VRRP cut. Runs bench/keepalived/run.sh with only the
# tuned profile and the "oneway" fault (nodeB drops incoming VRRP), and passes iff both collectors were measured
# active at once (dual-active > 0 s) and nothing with the run's prefix is left (namespaces, links, iptables rules).
# SKIPs (exit 0, "SKIP: ...") when not root or keepalived/iptables are missing.
# Usage: tests/netns/keepalived-split-brain.sh [--build DIR]   (DIR from dotnet build -o, with collector/ and sim/)
# About 25 s with --build, plus about a minute to build without it.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run="$here/../../bench/keepalived/run.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (network namespaces, iptables)"; exit 0; }
for tool in keepalived iptables ip curl python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (apt-get install -y keepalived iptables)"; exit 0; }
done
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
timeout --kill-after=15 240 "$run" --profile tuned --fault oneway "$@" >"$out" 2>&1
rc=$?
cat "$out"
prefix="$(sed -nE 's/^namespaces: (ehk-[0-9]+-)plant .*/\1/p' "$out" | head -n 1)"
[ -n "$prefix" ] || { echo "FAIL: run.sh did not start (exit $rc)"; exit 1; }
left="$(ip netns list | grep -F "$prefix"; ip -o link | grep -F "$prefix"; iptables-save 2>/dev/null | grep -F "$prefix")"
if [ -n "$left" ]; then echo "FAIL: cleanup left behind:"; echo "$left"; exit 1; fi
[ "$rc" -eq 0 ] || { echo "FAIL: run.sh exited $rc"; exit 1; }
dual="$(grep -P '^ROW\tKeepalived tuned oneway: dual-active\t' "$out" | cut -f3 | cut -d' ' -f1)"
if awk -v d="$dual" 'BEGIN { exit !(d + 0 > 0) }'; then
  echo "PASS: split brain observed: both collectors active for $dual s under a one-way VRRP cut; cleanup complete ($prefix)"
  exit 0
fi
echo "FAIL: no dual-active time measured under the one-way VRRP cut (dual-active '${dual:-missing}')"
exit 1
