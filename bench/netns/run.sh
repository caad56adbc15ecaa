#!/usr/bin/env bash
# Our hot-standby pair (operator + Lease-fenced collectors on the sandbox) under real network faults, the same as
# bench/keepalived/run.sh puts Keepalived under, plus cuts of the control plane; measured at a consumer.
# Topology (all inside network namespaces this script creates; nothing in the host namespace). <p> = ehn-<pid>-
#   <p>plant: bridge br0 10.214.0.2/16, the Modbus simulator (the PLC) :5020, the consumer (consumer.py)
#   <p>ctl:   eth0 10.214.0.1/16 (veth to br0): the sandbox API server :6443 (HTTPS), the operator
#   <p>a:     eth0 10.214.1.1-5/16: simulated node edge-a (kubelet) as a process, its collector pod on 10.214.1.2
#   <p>b:     eth0 10.214.2.1-5/16: node edge-b, collector on 10.214.2.2
# The pair: config/samples/demo/redundantpair_hot.yaml (200 ms x 3 health checks, 1.5 s Lease renewed every 300 ms,
# 200 ms skew margin), device pointed at the plant. Per cut: clean start (edge-a active, edge-b hot standby, steady
# 5 s), the cut, observe 12 s, heal (3 s more; 10 s for cp-loss), read both collectors' own records of what they
# published, print one row; then a table and "ROW<TAB>figure<TAB>value<TAB>goal<TAB>met" lines for bench/run-all.sh.
# Cuts (iptables/ip in the node's namespace): partition (a's link down), oneway (b drops all from a: Keepalived's
# one-way cut), crash (a's processes SIGKILLed, link down), hang (a's collector SIGSTOPped), api (a <-> API server
# dropped both ways), api-in (API server -> a dropped), api-out (a -> API server dropped), cp-loss (both nodes cut
# from the API server both ways; healed after the window and observed 10 s more).
# Then one side-by-side table with Keepalived under the same cuts: --keepalived run (bench/keepalived/run.sh, both
# profiles, about 3.7 min more), docs (its last figures from docs/keepalived.md), auto (run when keepalived is
# installed, else docs; the default) or no.
# Usage: run.sh [--cut LIST|all] [--keepalived auto|run|docs|no] [--build DIR] [--keep-logs]
# Needs root, iptables, curl, python3, dotnet. Prints "SKIP: ..." and exits 3 when one is missing; 0 when the table printed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
all_cuts="partition oneway crash hang api api-in api-out cp-loss"
cuts="$all_cuts" build="" keep_logs=0 keepalived=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --cut) [ "$2" = all ] || cuts="${2//,/ }"; shift 2 ;;
    --keepalived) keepalived="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$keepalived" in auto|run|docs|no) ;; *) echo "error: --keepalived '$keepalived' is not auto, run, docs or no" >&2; exit 2 ;; esac
[ "$keepalived" = auto ] && { command -v keepalived >/dev/null && keepalived=run || keepalived=docs; }
for c in $cuts; do case " $all_cuts " in *" $c "*) ;; *) echo "error: --cut '$c' is not one of: $all_cuts, all" >&2; exit 2 ;; esac; done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (network namespaces, iptables)"; exit 3; }
ip netns list >/dev/null 2>&1 || { echo "SKIP: ip netns is not available"; exit 3; }
for tool in iptables curl python3 dotnet ip; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (apt-get install -y iptables curl)"; exit 3; }
done

prefix="ehn-$$-"
work="$(mktemp -d /tmp/ehn-$$-XXXX)"
echo "namespaces: ${prefix}plant ${prefix}ctl ${prefix}a ${prefix}b" >&2
ns_plant="${prefix}plant" ns_ctl="${prefix}ctl" ns_a="${prefix}a" ns_b="${prefix}b"
ip_ctl=10.214.0.1 ip_plant=10.214.0.2 pod_a=10.214.1.2 pod_b=10.214.2.2
api_port=6443 window=12

# Removes every namespace with our prefix and whatever runs in it; safe to run twice. Links, the bridge and the
# iptables rules live only inside those namespaces, so they go with them; the rules are flushed first anyway.
cleanup() {
  local ns pids
  for ns in $(ip netns list 2>/dev/null | awk -v p="$prefix" 'index($1, p) == 1 {print $1}'); do
    ip netns exec "$ns" iptables -F INPUT 2>/dev/null || true
    ip netns exec "$ns" iptables -F OUTPUT 2>/dev/null || true
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
  echo "building the collector, the Modbus simulator, the operator and the bench into $build ..." >&2
  export DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_CLI_TELEMETRY_OPTOUT=1
  dotnet build "$root/src/EdgeHa.Collector" -c Release -v q -clp:ErrorsOnly -m:1 -o "$build/collector" >&2
  dotnet build "$root/src/EdgeHa.ModbusSimulator" -c Release -v q -clp:ErrorsOnly -m:1 -o "$build/sim" >&2
  dotnet build "$root/src/EdgeHa.Operator" -c Release -v q -clp:ErrorsOnly -m:1 -o "$build/operator" >&2
  dotnet build "$here/EdgeHa.Netns.Bench" -c Release -v q -clp:ErrorsOnly -m:1 -o "$build/bench" >&2
fi
collector_dll="$build/collector/EdgeHa.Collector.dll" sim_dll="$build/sim/EdgeHa.ModbusSimulator.dll"
operator_dll="$build/operator/EdgeHa.Operator.dll" bench_dll="$build/bench/EdgeHa.Netns.Bench.dll"
for f in "$collector_dll" "$sim_dll" "$operator_dll" "$bench_dll"; do
  [ -f "$f" ] || { echo "error: --build $build lacks $f (collector/, sim/, operator/, bench/ from dotnet build -o)" >&2; exit 2; }
done

# The demo's hot pair with the device in the plant namespace.
pair_json="$work/pair.json"
python3 - "$root/config/samples/demo/redundantpair_hot.yaml" "$ip_plant:5020" >"$pair_json" <<'PY'
import json, sys, yaml
pair = yaml.safe_load(open(sys.argv[1]))
args = pair["spec"]["template"]["spec"]["containers"][0]["args"]
args[args.index("--device") + 1] = sys.argv[2]
print(json.dumps(pair))
PY

topology() {
  ip netns add "$ns_plant"; ip netns add "$ns_ctl"; ip netns add "$ns_a"; ip netns add "$ns_b"
  ip -n "$ns_plant" link add br0 type bridge
  ip -n "$ns_plant" addr add "$ip_plant/16" dev br0
  local n ns i
  for n in ctl a b; do
    ns="${prefix}$n"
    ip -n "$ns" link add eth0 type veth peer name "port$n" netns "$ns_plant"
    ip -n "$ns_plant" link set "port$n" master br0 up
    case "$n" in
      ctl) ip -n "$ns" addr add "$ip_ctl/16" dev eth0 ;;
      # The node's own address .1 and four pod addresses: SimulatedNodeOptions.AddressPrefix hands them out.
      *) for i in 1 2 3 4 5; do ip -n "$ns" addr add "10.214.$([ "$n" = a ] && echo 1 || echo 2).$i/16" dev eth0; done ;;
    esac
    ip -n "$ns" link set eth0 up; ip -n "$ns" link set lo up
  done
  ip -n "$ns_plant" link set br0 up; ip -n "$ns_plant" link set lo up
}

start_node() {
  local n="$1" name="edge-$1" dir="$work/run/$1"
  mkdir -p "$dir/pods"
  ip netns exec "${prefix}$n" env DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$bench_dll" node --kubeconfig "$work/run/kubeconfig" \
    --name "$name" --address-prefix "10.214.$([ "$n" = a ] && echo 1 || echo 2)." --collector-dll "$collector_dll" \
    --log-dir "$dir/pods" </dev/null >"$dir/node.log" 2>&1 &
  disown   # cleanup() SIGKILLs it with its namespace; no job notice
}

now() { date +%s.%N; }
role_of() { ip netns exec "$ns_plant" curl -fsS -m 1 "http://$1:8080/samples?limit=1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["role"])' 2>/dev/null || echo none; }
collector_pid() {
  local p
  for p in $(ip netns pids "$1"); do
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'EdgeHa.Collector.dll'; then echo "$p"; fi
  done
}
# $1: ACTION (-A or -D), $2: node namespace, $3: in|out|both: packets from / to the API server's address.
api_rules() {
  case "$3" in in|both) ip netns exec "$2" iptables "$1" INPUT -s "$ip_ctl" -j DROP ;; esac
  case "$3" in out|both) ip netns exec "$2" iptables "$1" OUTPUT -d "$ip_ctl" -j DROP ;; esac
}

# One scenario: $1 the cut. Prints the analysis row on stdout.
scenario() {
  local cut="$1" fault_at end_at heal_at=- t0 pid
  cleanup; rm -rf "$work/run"; mkdir -p "$work/run"
  topology
  ip netns exec "$ns_plant" env DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$sim_dll" --bind "$ip_plant" --port 5020 --http-port 0 \
    </dev/null >"$work/run/sim.log" 2>&1 & disown
  ip netns exec "$ns_ctl" env DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$bench_dll" control --bind "$ip_ctl" --port "$api_port" \
    --kubeconfig "$work/run/kubeconfig" --pair "$pair_json" --timeline "$work/run/timeline.tsv" </dev/null >"$work/run/control.log" 2>&1 & disown
  t0=$(date +%s)
  until grep -q 'control plane ready' "$work/run/control.log" 2>/dev/null; do
    [ $(( $(date +%s) - t0 )) -lt 60 ] || { echo "error: control plane not ready after 60 s ($cut); see $work/run" >&2; keep_logs=1; return 1; }
    sleep 0.2
  done
  ip netns exec "$ns_ctl" env DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$operator_dll" --kubeconfig "$work/run/kubeconfig" \
    --namespace default --health-probe-bind-address 127.0.0.1:18081 --metrics-bind-address 127.0.0.1:18082 \
    </dev/null >"$work/run/operator.log" 2>&1 & disown
  start_node a; start_node b
  # edge-a (the primary) becomes active, edge-b the hot standby; wait for both collectors to say so.
  until [ "$(role_of "$pod_a")" = active ] && [ "$(role_of "$pod_b")" = standby ]; do
    [ $(( $(date +%s) - t0 )) -lt 120 ] || { echo "error: pair not active/standby after 120 s ($cut; a $(role_of "$pod_a"), b $(role_of "$pod_b")); see $work/run" >&2; keep_logs=1; return 1; }
    sleep 0.3
  done
  ip netns exec "$ns_plant" python3 "$here/consumer.py" record "$work/run/consumer.jsonl" "$pod_a" "$pod_b" &
  local consumer=$!
  sleep 5 & wait $!   # in the background so a signal is handled at once
  fault_at="$(now)"
  case "$cut" in
    partition) ip -n "$ns_a" link set eth0 down ;;
    oneway) ip netns exec "$ns_b" iptables -A INPUT -s 10.214.1.0/24 -j DROP ;;
    crash)
      pid="$(ip netns pids "$ns_a")"
      # shellcheck disable=SC2086
      kill -KILL $pid; ip -n "$ns_a" link set eth0 down ;;
    hang)
      pid="$(collector_pid "$ns_a")"
      # shellcheck disable=SC2086 # the collector's pids, one word each
      [ -n "$pid" ] && kill -STOP $pid ;;
    api) api_rules -A "$ns_a" both ;;
    api-in) api_rules -A "$ns_a" in ;;
    api-out) api_rules -A "$ns_a" out ;;
    cp-loss) api_rules -A "$ns_a" both; api_rules -A "$ns_b" both ;;
  esac
  sleep "$window" & wait $!
  end_at="$(now)"
  # Heal, so the consumer can read each collector's own record of what it published while it was out of reach
  # (consumer.py dump); a paused collector resumes here, and must not publish what it held when it was paused.
  [ "$cut" = cp-loss ] && heal_at="$(now)"
  case "$cut" in
    partition) ip -n "$ns_a" link set eth0 up ;;
    oneway) ip netns exec "$ns_b" iptables -D INPUT -s 10.214.1.0/24 -j DROP ;;
    hang)
      # shellcheck disable=SC2086 # the collector's pids, one word each
      [ -n "$pid" ] && kill -CONT $pid ;;
    api) api_rules -D "$ns_a" both ;;
    api-in) api_rules -D "$ns_a" in ;;
    api-out) api_rules -D "$ns_a" out ;;
    cp-loss) api_rules -D "$ns_a" both; api_rules -D "$ns_b" both ;;
  esac
  if [ "$cut" = cp-loss ]; then sleep 10 & wait $!; else sleep 3 & wait $!; fi
  kill -TERM "$consumer"; wait "$consumer" || true
  ip netns exec "$ns_plant" python3 "$here/consumer.py" dump "$work/run/consumer.jsonl" "$pod_a" "$pod_b"
  printf '%s %s %s %s\n' "$cut" "$fault_at" "$end_at" "$heal_at" >"$work/run/times"   # to analyze again (--keep-logs)
  python3 "$here/consumer.py" analyze "$work/run" "$cut" "$fault_at" "$end_at" "$heal_at"
  if [ "$keep_logs" -eq 1 ]; then cp -r "$work/run" "$work/$cut"; fi
}

results="$work/results.tsv"
: >"$results"
start=$(date +%s)
for cut in $cuts; do
  echo "-- $cut" >&2
  scenario "$cut" >>"$results"
  tail -n 1 "$results" >&2
done
cleanup

echo
echo "Our pair (operator + Lease-fenced hot standby) under real cuts ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(( $(date +%s) - start )) s)"
awk -F'\t' 'BEGIN {
    printf "| %-9s | %-10s | %-11s | %-9s | %-8s | %-4s | %-7s | %-4s | %-10s | %-9s | %-11s |\n", "cut", "dual-act s",
      "failover ms", "a stop ms", "gap ms", "lost", "skipped", "dups", "recover ms", "epoch a/b", "samples a/b";
    print "|-----------|------------|-------------|-----------|----------|------|---------|------|------------|-----------|-------------|" }
  { printf "| %-9s | %-10s | %-11s | %-9s | %-8s | %-4s | %-7s | %-4s | %-10s | %-9s | %-11s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$results"
cat <<'TXT'
dual-act s: time both collectors published at once, over the whole run (consumer polls every 50 ms, plus each
collector's own record read after the heal, so a cut link or a paused process cannot hide a publication).
failover: cut -> first sample published by edge-b. a stop: cut -> the last sample edge-a published.
gap: the longest time after the cut without a new device sequence number from anyone. lost: sequence numbers between
the last edge-a and the first edge-b published (the switch). skipped: other device steps nobody published (a collector
not scheduled for > 100 ms on the loaded machine). dups: sequence numbers both collectors published.
recover (cp-loss): heal -> first new sample. epoch a/b: the newest epoch each published after the cut.
TXT
awk -F'\t' '{
  printf "ROW\tOur pair %s: dual-active\t%s s\t0 s\t%s\n", $1, $2, ($2 + 0 == 0 ? "yes" : "NO");
  if ($1 == "cp-loss") printf "ROW\tOur pair cp-loss: outage (no collector acting; fencing without a control plane)\t%s ms\t-\t-\n", $5;
  else if ($3 != "none") printf "ROW\tOur pair %s: failover (cut -> first sample from B)\t%s ms\t-\t-\n", $1, $3 }' "$results"

[ "$keepalived" = no ] && exit 0
echo
if [ "$keepalived" = run ]; then
  echo "== Keepalived under the same faults (bench/keepalived/run.sh --build $build)" >&2
  ka_out="$work/keepalived.out"
  if "$root/bench/keepalived/run.sh" --build "$build" >"$ka_out" 2>&1; then
    ka_source="measured now by bench/keepalived/run.sh (Debian keepalived $(keepalived --version 2>&1 | sed -nE '1s/^Keepalived v([0-9.]+).*/\1/p'))"
  else
    echo "bench/keepalived/run.sh failed (exit $?); its output:" >&2; cat "$ka_out" >&2
    keepalived=docs
  fi
fi
if [ "$keepalived" = docs ]; then
  ka_out="$root/docs/keepalived.md"
  ka_source="the last measured ones in docs/keepalived.md ($(sed -nE 's/^## Measured \((.*)\)$/\1/p' "$ka_out"); keepalived is not installed here or its run failed)"
fi
echo "Side by side: Keepalived and our pair under the same cuts, 12 s each"
python3 "$here/compare.py" "$results" "$ka_out" "$ka_source"

