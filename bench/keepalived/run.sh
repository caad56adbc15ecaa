#!/usr/bin/env bash
# Keepalived (VRRP) active/standby as factories run it today, under real network faults, measured at a consumer.
# Topology (all inside network namespaces this script creates; nothing in the host namespace):
#   <p>plant: bridge br0 10.213.0.1/24, Modbus simulator :502, the consumer (consumer.py)
#   <p>a: eth0 10.213.0.11/24 (veth to br0), keepalived priority 101 + collector when MASTER
#   <p>b: eth0 10.213.0.12/24 (veth to br0), keepalived priority 100 + collector when MASTER
#   VIP 10.213.0.100/24 on the MASTER's eth0.  <p> = ehk-<pid>-
# Per profile and fault: clean start (A MASTER, steady 5 s), fault, observe, print one row; then a table and
# "ROW\t<figure>\t<value>\t-\t-" lines for bench/run-all.sh.
# Usage: run.sh [--profile usual|tuned|all] [--fault crash,hang,partition,oneway|all] [--build DIR] [--keep-logs]
# Needs root, keepalived, iptables, curl, python3, dotnet. Exit 3 when a tool is missing, 0 when the table printed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profiles="usual tuned" faults="crash hang partition oneway" build="" keep_logs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) [ "$2" = all ] || profiles="$2"; shift 2 ;;
    --fault) [ "$2" = all ] || faults="${2//,/ }"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for p in $profiles; do case "$p" in usual|tuned) ;; *) echo "error: --profile '$p' is not usual, tuned or all" >&2; exit 2 ;; esac; done
for f in $faults; do case "$f" in crash|hang|partition|oneway) ;; *) echo "error: --fault '$f' is not crash, hang, partition, oneway or all" >&2; exit 2 ;; esac; done
[ "$(id -u)" -eq 0 ] || { echo "error: needs root (network namespaces, iptables)" >&2; exit 3; }
for tool in keepalived iptables curl python3 dotnet ip; do
  command -v "$tool" >/dev/null || { echo "error: $tool missing (apt-get install -y keepalived iptables curl)" >&2; exit 3; }
done

prefix="ehk-$$-"
work="$(mktemp -d /tmp/ehk-$$-XXXX)"
echo "namespaces: ${prefix}plant ${prefix}a ${prefix}b" >&2
ns_plant="${prefix}plant" ns_a="${prefix}a" ns_b="${prefix}b"
vip=10.213.0.100 ip_plant=10.213.0.1 ip_a=10.213.0.11 ip_b=10.213.0.12

# Removes every namespace with our prefix and whatever runs in it; safe to run twice. Interfaces, the bridge and
# iptables rules live only inside those namespaces, so they go with them; the rules are flushed first anyway.
cleanup() {
  local ns pids
  for ns in $(ip netns list 2>/dev/null | awk -v p="$prefix" 'index($1, p) == 1 {print $1}'); do
    ip netns exec "$ns" iptables -F INPUT 2>/dev/null || true
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    ip netns delete "$ns" 2>/dev/null || true
  done
}
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  cleanup; cleanup
  if [ "$keep_logs" -eq 1 ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$build" ]; then
  build="$work/build"
  echo "building the collector and the Modbus simulator into $build ..." >&2
  export DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_CLI_TELEMETRY_OPTOUT=1
  dotnet build "$root/src/EdgeHa.Collector" -c Release -v q -clp:ErrorsOnly -m:1 -o "$build/collector" >&2
  dotnet build "$root/src/EdgeHa.ModbusSimulator" -c Release -v q -clp:ErrorsOnly -m:1 -o "$build/sim" >&2
fi
collector_dll="$build/collector/EdgeHa.Collector.dll" sim_dll="$build/sim/EdgeHa.ModbusSimulator.dll"
if [ ! -f "$collector_dll" ] || [ ! -f "$sim_dll" ]; then echo "error: --build $build lacks collector/EdgeHa.Collector.dll or sim/EdgeHa.ModbusSimulator.dll" >&2; exit 2; fi

topology() {
  ip netns add "$ns_plant"; ip netns add "$ns_a"; ip netns add "$ns_b"
  ip -n "$ns_plant" link add br0 type bridge
  ip -n "$ns_plant" addr add "$ip_plant/24" dev br0
  local n ns addr
  for n in a b; do
    ns="${prefix}$n"; [ "$n" = a ] && addr="$ip_a" || addr="$ip_b"
    ip -n "$ns" link add eth0 type veth peer name "port$n" netns "$ns_plant"
    ip -n "$ns_plant" link set "port$n" master br0 up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up; ip -n "$ns" link set lo up
  done
  ip -n "$ns_plant" link set br0 up; ip -n "$ns_plant" link set lo up
}

# keepalived.conf for node $1 (a|b), priority $2, check interval $3 and fall $4.
write_conf() {
  local n="$1" dir="$work/run/$1"
  cat >"$dir/keepalived.conf" <<CONF
global_defs {
  router_id ehk_$n
  script_user root
}
vrrp_script check_alive {
  script "$here/check_alive.sh $dir"
  interval $3
  fall $4
  rise 1
  timeout 2
}
vrrp_instance collector {
  state BACKUP
  nopreempt
  interface eth0
  virtual_router_id 51
  priority $2
  advert_int 1
  virtual_ipaddress {
    $vip/24 dev eth0
  }
  track_script {
    check_alive
  }
  notify_master "$here/notify.sh $dir MASTER"
  notify_backup "$here/notify.sh $dir BACKUP"
  notify_fault "$here/notify.sh $dir FAULT"
}
CONF
}

start_keepalived() {
  local n="$1" dir="$work/run/$1"
  ip netns exec "${prefix}$n" keepalived -n -l -D -G -P -f "$dir/keepalived.conf" -p "$dir/keepalived.pid" \
    -r "$dir/vrrp.pid" </dev/null >"$dir/keepalived.log" 2>&1 &
  echo $! >"$dir/keepalived.main"
}

now() { date +%s.%N; }

# One scenario: $1 profile, $2 fault. Prints the analysis row on stdout.
scenario() {
  local profile="$1" fault="$2" interval fall window n dir fault_at end_at pid
  if [ "$profile" = usual ]; then interval=5 fall=3; else interval=1 fall=2; fi
  window=12
  [ "$profile:$fault" = usual:hang ] && window=20   # 3 x 5 s checks before anything happens
  cleanup; rm -rf "$work/run"
  topology
  for n in a b; do
    dir="$work/run/$n"; mkdir -p "$dir"
    printf 'DOTNET=%q\nCOLLECTOR_DLL=%q\nDEVICE=%q\n' "$(command -v dotnet)" "$collector_dll" "$ip_plant:502" >"$dir/env"
    echo BACKUP >"$dir/state"
  done
  write_conf a 101 "$interval" "$fall"; write_conf b 100 "$interval" "$fall"
  ip netns exec "$ns_plant" env DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$sim_dll" --port 502 --http-port 8081 \
    --bind "$ip_plant" </dev/null >"$work/run/sim.log" 2>&1 &
  start_keepalived a
  sleep 1
  start_keepalived b
  # A wins the first election (higher priority, started first); wait for its collector to answer on the VIP.
  local t0; t0=$(date +%s)
  until ip netns exec "$ns_plant" curl -fsS -o /dev/null -m 1 "http://$vip:8080/healthz" 2>/dev/null; do
    [ $(( $(date +%s) - t0 )) -lt 30 ] || { echo "error: no collector on the VIP after 30 s ($profile/$fault); see $work/run" >&2; keep_logs=1; return 1; }
    sleep 0.2
  done
  grep -q MASTER "$work/run/a/events" || { echo "error: A is not the first MASTER ($profile/$fault)" >&2; keep_logs=1; return 1; }
  ip netns exec "$ns_plant" python3 "$here/consumer.py" record "$work/run/consumer.jsonl" "$vip" "$ip_a" "$ip_b" &
  local consumer=$!
  sleep 5 & wait $!   # in the background so a signal is handled at once
  fault_at="$(now)"
  case "$fault" in
    crash)  # power loss of A: its processes die, its link goes down
      pid="$(ip netns pids "$ns_a")"
      # shellcheck disable=SC2086
      kill -KILL $pid; ip -n "$ns_a" link set eth0 down ;;
    hang) kill -STOP "$(cat "$work/run/a/collector.pid")" ;;
    partition) ip -n "$ns_a" link set eth0 down ;;
    oneway) ip netns exec "$ns_b" iptables -A INPUT -p vrrp -j DROP ;;
  esac
  sleep "$window" & wait $!
  end_at="$(now)"
  kill -TERM "$consumer"; wait "$consumer" || true
  python3 "$here/consumer.py" analyze "$work/run" "$profile" "$fault" "$fault_at" "$end_at"
  if [ "$keep_logs" -eq 1 ]; then cp -r "$work/run" "$work/$profile-$fault"; fi
}

results="$work/results.tsv"
: >"$results"
start=$(date +%s)
for profile in $profiles; do
  for fault in $faults; do
    echo "-- $profile / $fault" >&2
    scenario "$profile" "$fault" >>"$results"
    tail -n 1 "$results" >&2
  done
done
cleanup

echo
echo "Keepalived active/standby under faults ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(( $(date +%s) - start )) s)"
echo "profiles: usual = advert_int 1, check interval 5 fall 3; tuned = advert_int 1, check interval 1 fall 2"
awk -F'\t' 'BEGIN {
    printf "| %-7s | %-9s | %-10s | %-11s | %-8s | %-7s | %-7s | %-9s | %-11s | %-9s |\n", "profile", "fault",
      "detect ms", "failover ms", "gap ms", "missing", "dup@VIP", "seq x2", "dual-act s", "VIP a/b";
    print "|---------|-----------|------------|-------------|----------|---------|---------|-----------|-------------|-----------|" }
  { printf "| %-7s | %-9s | %-10s | %-11s | %-8s | %-7s | %-7s | %-9s | %-11s | %-9s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' "$results"
cat <<'TXT'
detect: fault -> B's notify_master. failover: fault -> first sample from B at the consumer (via the VIP).
gap: longest time without a new sequence at the consumer from the last one before the fault to the window's end.
missing: device sequence numbers in that span never received. dup@VIP: sequences received twice via the VIP.
seq x2: sequences published by both collectors. dual-act s: 0.25 s bins after the fault in which both collectors
published active samples (direct polls of both node IPs). VIP a/b: samples received via the VIP after the fault.
TXT
awk -F'\t' '{
  printf "ROW\tKeepalived %s %s: failover (fault -> first sample from B)\t%s ms\t-\t-\n", $1, $2, $4;
  printf "ROW\tKeepalived %s %s: dual-active\t%s s\t-\t-\n", $1, $2, $9 }' "$results"
