#!/usr/bin/env bash
# MQTT publishing throughput at QoS 1 over loopback, against a mosquitto broker this script starts on a free port:
#  1. our sink: EdgeHa.Mqtt.Bench drives the collector's delivery path (SampleOutbox -> MqttSampleSink, a sample counts
#     once its PUBACK came back) with N samples as fast as it takes them; the broker's own mosquitto_sub -C N counts
#     what arrived. Prints samples/s acknowledged and samples/s received.
#  2. the peer, in the same run: mosquitto_pub -l -q 1 publishes N lines of the same size as our messages.
#  3. the whole collector end to end: the Modbus simulator, and our collector as the active publisher polling it at
#     the fastest period it supports (--interval-ms 10), counted by mosquitto_sub as well (bound by the poll: about 100/s).
# Needs mosquitto and mosquitto-clients (scripts/install-test-peers.sh), else it prints a SKIP line and exits 3.
# Every process it starts is stopped on exit, also on failure or Ctrl-C.
# Usage: bench/mqtt/run.sh [N]   (default 20000 messages per publisher; about 40 s with the build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
count="${1:-20000}"
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/mqtt/run.sh [N]   (N >= 1 messages per publisher, default 20000)" >&2
  exit 2
fi
collector_samples=300
out="$here/bin/dotnet"

if ! command -v mosquitto >/dev/null 2>&1 && [ -x /usr/sbin/mosquitto ]; then
  PATH="$PATH:/usr/sbin"
fi
for tool in mosquitto mosquitto_sub mosquitto_pub; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: MQTT benchmark not run: $tool is missing; enable with: sudo scripts/install-test-peers.sh (mosquitto, mosquitto-clients)"
    exit 3
  fi
done

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
# rate COUNT START_NS END_NS -> "1234" (per second, whole numbers)
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }'; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# Waits for a background process started here; fails after LIMIT seconds.
wait_exit() {
  local pid="$1" limit="$2" what="$3" waited=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.05
    waited=$((waited + 1))
    if [ "$waited" -gt $((limit * 20)) ]; then
      echo "FAIL: $what did not finish within $limit s" >&2
      return 1
    fi
  done
  wait "$pid"
}
# Starts mosquitto_sub counting N messages on TOPIC, one Unix timestamp per message, into FILE; returns once the
# broker has logged its subscription, so that no message is published before the count starts.
count_messages() {
  local topic="$1" n="$2" file="$3" id="count-$1-$$"
  id="${id//\//-}"
  mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -t "$topic" -C "$n" -i "$id" -F '%U' >"$file" &
  pids+=($!)
  sub_pid=$!
  for _ in $(seq 1 400); do
    grep -q ": $id 1 $topic\$" "$work/mosquitto.log" && return 0
    kill -0 "$sub_pid" 2>/dev/null || break
    sleep 0.025
  done
  echo "FAIL: mosquitto_sub did not subscribe to $topic within 10 s" >&2
  return 1
}
last_ns() { tail -n 1 "$1" | awk '{ printf "%.0f", $1 * 1e9 }'; }
first_ns() { head -n 1 "$1" | awk '{ printf "%.0f", $1 * 1e9 }'; }

DOTNET_CLI_USE_MSBUILD_SERVER=0 dotnet build "$here/EdgeHa.Mqtt.Bench/EdgeHa.Mqtt.Bench.csproj" -c Release -m:1 --nologo -v q -clp:ErrorsOnly -o "$out" >/dev/null
echo "$(mosquitto -h 2>&1 | head -n 1), $(dotnet --version | sed 's/^/dotnet /'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

port="$(free_port)"
cat >"$work/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
# The counting subscriber must not lose a message while it lags behind a burst.
max_queued_messages 0
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
log_type subscribe
EOF
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q "Opening ipv4 listen socket on port $port" "$work/mosquitto.log" 2>/dev/null && break
  sleep 0.05
done

# 1. Our sink.
count_messages bench/edgeha "$count" "$work/ours.times"
dotnet "$out/EdgeHa.Mqtt.Bench.dll" --broker "mqtt://127.0.0.1:$port" --topic bench/edgeha --count "$count" >"$work/ours.out" &
pids+=($!)
bench_pid=$!
wait_exit "$bench_pid" 300 "EdgeHa.Mqtt.Bench"
wait_exit "$sub_pid" 60 "mosquitto_sub counting our samples"
payload="$(awk '/^PAYLOAD/ { print $2 }' "$work/ours.out")"
start="$(awk '/^START/ { print $2 }' "$work/ours.out")"
read -r _ acked acked_seconds < <(grep '^ACKED' "$work/ours.out")
received="$(wc -l <"$work/ours.times")"
ours_acked_rate="$(awk -v n="$acked" -v s="$acked_seconds" 'BEGIN { printf "%.0f", n / s }')"
ours_end="$(last_ns "$work/ours.times")"
ours_received_rate="$(rate "$received" "$start" "$ours_end")"

# 2. The peer: the same number of QoS 1 messages of the same size.
awk -v n="$count" -v size="$payload" 'BEGIN {
  pad = sprintf("%*s", size, ""); gsub(/ /, "x", pad);
  for (i = 1; i <= n; i++) { line = sprintf("{\"sequence\":%d,\"pad\":\"%s", 60000 + i, pad); print substr(line, 1, size - 2) "\"}" } }' >"$work/peer.lines"
count_messages bench/peer "$count" "$work/peer.times"
peer_start="$(now_ns)"
mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t bench/peer -i "peer-$RANDOM" -l <"$work/peer.lines" &
pids+=($!)
wait_exit "$!" 300 "mosquitto_pub"
peer_done="$(now_ns)"
wait_exit "$sub_pid" 60 "mosquitto_sub counting the peer's messages"
peer_received="$(wc -l <"$work/peer.times")"
peer_sent_rate="$(rate "$count" "$peer_start" "$peer_done")"
peer_received_rate="$(rate "$peer_received" "$peer_start" "$(last_ns "$work/peer.times")")"

# 3. The whole collector, polling the simulator every 10 ms (its fastest), as the active publisher.
sim_port="$(free_port)"
sim_http="$(free_port)"
col_http="$(free_port)"
dotnet "$out/EdgeHa.ModbusSimulator.dll" --port "$sim_port" --http-port "$sim_http" --bind 127.0.0.1 >"$work/simulator.log" 2>&1 &
pids+=($!)
count_messages bench/collector "$collector_samples" "$work/collector.times"
dotnet "$out/EdgeHa.Collector.dll" --device "127.0.0.1:$sim_port" --read input:0:8 --sequence input:0 --interval-ms 10 --role active \
  --http-port "$col_http" --bind 127.0.0.1 --mqtt-broker "mqtt://127.0.0.1:$port" --mqtt-topic bench/collector \
  --mqtt-client-id edgeha-bench-collector >"$work/collector.log" 2>&1 &
pids+=($!)
collector_pid=$!
if ! wait_exit "$sub_pid" 60 "mosquitto_sub counting the collector's samples"; then
  tail -n 20 "$work/collector.log" >&2
  exit 1
fi
kill "$collector_pid" 2>/dev/null || true
collector_received="$(wc -l <"$work/collector.times")"
collector_first="$(first_ns "$work/collector.times")"
collector_last="$(last_ns "$work/collector.times")"
collector_rate="$(rate $((collector_received - 1)) "$collector_first" "$collector_last")"

ratio="$(awk -v a="$ours_acked_rate" -v b="$peer_sent_rate" 'BEGIN { printf "%.2f", a / b }')"
echo
echo "MQTT QoS 1 over loopback, $count messages of $payload bytes per publisher, counted by mosquitto_sub -C N:"
printf '  %-62s %10s %s\n' "publisher" "samples/s" ""
printf '  %-62s %10s %s\n' "our sink (SampleOutbox -> MqttSampleSink), acknowledged" "$ours_acked_rate" "($acked PUBACKs in $acked_seconds s)"
printf '  %-62s %10s %s\n' "our sink, received by mosquitto_sub" "$ours_received_rate" "($received of $count)"
printf '  %-62s %10s %s\n' "peer mosquitto_pub -l -q 1, sent (exit after its last PUBACK)" "$peer_sent_rate" "($count in $(seconds "$peer_start" "$peer_done") s)"
printf '  %-62s %10s %s\n' "peer, received by mosquitto_sub" "$peer_received_rate" "($peer_received of $count)"
printf '  %-62s %10s %s\n' "whole collector, --interval-ms 10, received" "$collector_rate" "($collector_received samples; a 10 ms poll period allows about 100/s)"
echo "  ratio ours / mosquitto_pub (acknowledged / sent): $ratio"

met=yes
[ "$ours_acked_rate" -ge 100 ] || met=NO
[ "$received" -eq "$count" ] || met=NO
printf 'ROW\tMQTT QoS 1 publish, our sink [acknowledged, %s B]\t%s samples/s\t>= 100/s (fastest poll)\t%s\n' "$payload" "$ours_acked_rate" "$met"
printf 'ROW\tMQTT QoS 1 publish, our sink vs mosquitto_pub [ratio]\t%s (%s vs %s /s)\treported\t-\n' "$ratio" "$ours_acked_rate" "$peer_sent_rate"
printf 'ROW\tMQTT whole collector at --interval-ms 10 [received]\t%s samples/s\treported\t-\n' "$collector_rate"
