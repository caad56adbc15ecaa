#!/usr/bin/env bash
# CI smoke test: our pair never has two acting collectors under one-way cuts. Runs bench/netns/run.sh with the cuts
# "oneway" (edge-b drops everything from edge-a: the cut that split-brains Keepalived) and "api-in" (the API server's
# packets to the active node dropped, its own still sent), and passes iff both collectors were never measured
# publishing at once (dual-active 0 s), the one-way peer cut caused no failover (edge-a kept acting: our pair does
# not depend on the peer link), the API cut did fail over to edge-b, and nothing with the run's prefix is left
# (namespaces, links, iptables rules). SKIPs (exit 0, "SKIP: ...") when not root or a tool is missing.
# Usage: tests/netns/pair-no-split-brain.sh [--build DIR]   (DIR from dotnet build -o, with collector/ sim/ operator/ bench/)
# About 1.5 min with --build, plus about 2.5 minutes to build without it.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run="$here/../../bench/netns/run.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (network namespaces, iptables)"; exit 0; }
for tool in iptables ip curl python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (apt-get install -y iptables curl)"; exit 0; }
done
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
timeout --kill-after=15 420 "$run" --cut oneway,api-in --keepalived no "$@" >"$out" 2>&1
rc=$?
cat "$out"
grep -q '^SKIP: ' "$out" && exit 0
prefix="$(sed -nE 's/^namespaces: (ehn-[0-9]+-)plant .*/\1/p' "$out" | head -n 1)"
[ -n "$prefix" ] || { echo "FAIL: run.sh did not start (exit $rc)"; exit 1; }
left="$(ip netns list | grep -F "$prefix"; ip -o link | grep -F "$prefix"; iptables-save 2>/dev/null | grep -F "$prefix")"
if [ -n "$left" ]; then echo "FAIL: cleanup left behind:"; echo "$left"; exit 1; fi
[ "$rc" -eq 0 ] || { echo "FAIL: run.sh exited $rc"; exit 1; }
# The table rows: | cut | dual-act s | failover ms | a stop ms | gap | lost | skipped | dups | recover | epoch | samples a/b |
cell() { awk -F'|' -v c="$1" -v i="$2" '{ gsub(/ /, "", $2) } $2 == c { v = $(i + 1); gsub(/ /, "", v); print v; exit }' "$out"; }
fail=0
for c in oneway api-in; do
  dual="$(cell "$c" 2)"
  if [ -z "$dual" ] || ! awk -v d="$dual" 'BEGIN { exit !(d + 0 == 0) }'; then
    echo "FAIL: $c: both collectors published at once for '${dual:-no row}' s"; fail=1
  fi
done
[ "$(cell oneway 3)" = none ] || { echo "FAIL: oneway: edge-b took over ($(cell oneway 3) ms) although only the peer link was cut"; fail=1; }
case "$(cell oneway 11)" in a:0/*|"") echo "FAIL: oneway: edge-a stopped acting ($(cell oneway 11))"; fail=1 ;; esac
case "$(cell api-in 3)" in none|"") echo "FAIL: api-in: edge-b never took over"; fail=1 ;; esac
[ "$fail" -eq 0 ] || exit 1
echo "PASS: no dual-active under the one-way cuts (peer: no failover; API -> node: failover in $(cell api-in 3) ms); cleanup complete ($prefix)"
