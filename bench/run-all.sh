#!/usr/bin/env bash
# Runs every benchmark (bench/modbus/run.sh, bench/mqtt/run.sh, bench/upgrade/run.sh, then bench/failover/run.sh,
# and with BENCH_NETNS=1 bench/netns/run.sh), shows their own output, and ends with ONE
# combined table: figure | value | goal | met?. A benchmark that fails or is missing a tool leaves a
# "not measured: <reason>" row instead of stopping the others. Exit status 0 when the table was printed.
# Usage: bench/run-all.sh   (about 8 minutes on 2 cores)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rows="$(mktemp)"
trap 'rm -f "$rows" "$rows.modbus" "$rows.mqtt" "$rows.upgrade" "$rows.failover" "$rows.netns"' EXIT

# The peers the benchmarks compare against, as make test installs its own (root with apt-get; otherwise the
# missing ones and the command are printed, and those rows say "not measured").
"$here/../scripts/install-test-peers.sh" libmodbus-dev gcc pkg-config python3-pymodbus mosquitto mosquitto-clients || true

echo "== Modbus (bench/modbus/run.sh)"
timeout --kill-after=10 180 "$here/modbus/run.sh" 2>&1 | tee "$rows.modbus"
modbus_rc=${PIPESTATUS[0]}
# "goal client p50 <= 100 us [our client]: 45.0 us (met)" -> figure | value | goal | met?
sed -nE 's/^goal (.*) (>=|<=) (.*) \[(.*)\]: (.*) \((met|NOT met)\)$/Modbus \1 [\4]\t\5\t\2 \3\t\6/p' "$rows.modbus" \
  | sed -E "s/^Modbus server \[/Modbus server throughput vs libmodbus [/; s/\tmet\$/\tyes/; s/\tNOT met\$/\tNO/" >>"$rows"
if [ "$modbus_rc" -eq 3 ]; then
  printf 'Modbus figures\tnot measured: libmodbus-dev missing (apt-get install -y libmodbus-dev gcc pkg-config)\t-\t-\n' >>"$rows"
elif [ "$modbus_rc" -ne 0 ]; then
  printf 'Modbus figures\tnot measured: bench/modbus/run.sh exited %s (see above)\t-\t-\n' "$modbus_rc" >>"$rows"
fi

echo
echo "== MQTT publishing (bench/mqtt/run.sh)"
timeout --kill-after=10 180 "$here/mqtt/run.sh" 2>&1 | tee "$rows.mqtt"
mqtt_rc=${PIPESTATUS[0]}
grep -P '^ROW\t' "$rows.mqtt" | cut -f2- >>"$rows"
if [ "$mqtt_rc" -eq 3 ]; then
  printf 'MQTT figures\tnot measured: mosquitto or mosquitto-clients missing (sudo scripts/install-test-peers.sh)\t-\t-\n' >>"$rows"
elif [ "$mqtt_rc" -ne 0 ]; then
  printf 'MQTT figures\tnot measured: bench/mqtt/run.sh exited %s (see above)\t-\t-\n' "$mqtt_rc" >>"$rows"
fi

echo
echo "== Rolling upgrade data gap (bench/upgrade/run.sh: the demo, hot and cold)"
timeout --kill-after=10 400 "$here/upgrade/run.sh" 2>&1 | tee "$rows.upgrade"
upgrade_rc=${PIPESTATUS[0]}
grep -P '^\s*ROW\t' "$rows.upgrade" | sed -E 's/^\s*ROW\t//' >>"$rows"
if [ "$upgrade_rc" -ne 0 ]; then
  printf 'Upgrade figures\tthe demo did not pass (bench/upgrade/run.sh exited %s, see above)\t-\t-\n' "$upgrade_rc" >>"$rows"
fi

echo
echo "== Failover and scale (bench/failover/run.sh)"
timeout --kill-after=10 440 "$here/failover/run.sh" 2>&1 | tee "$rows.failover"
failover_rc=${PIPESTATUS[0]}
grep -P '^ROW\t' "$rows.failover" | cut -f2- >>"$rows"
if [ "$failover_rc" -ne 0 ]; then
  printf 'Failover figures\tnot measured: bench/failover/run.sh exited %s (see above)\t-\t-\n' "$failover_rc" >>"$rows"
fi

echo
echo "== Real networks: our pair and Keepalived under the same cuts (bench/netns/run.sh)"
# Optional (about 9 minutes more, root only): BENCH_NETNS=1 make bench.
if [ "${BENCH_NETNS:-0}" = 1 ]; then
  timeout --kill-after=10 900 "$here/netns/run.sh" 2>&1 | tee "$rows.netns"
  netns_rc=${PIPESTATUS[0]}
  grep -P '^ROW\t' "$rows.netns" | cut -f2- >>"$rows"
  if [ "$netns_rc" -eq 3 ]; then
    printf 'Real-network figures\tnot measured: %s\t-\t-\n' "$(sed -n 's/^SKIP: //p' "$rows.netns" | head -n 1)" >>"$rows"
  elif [ "$netns_rc" -ne 0 ]; then
    printf 'Real-network figures\tnot measured: bench/netns/run.sh exited %s (see above)\t-\t-\n' "$netns_rc" >>"$rows"
  fi
else
  echo "skipped (set BENCH_NETNS=1; root, about 9 minutes)"
  printf 'Real-network figures\tnot measured: set BENCH_NETNS=1 (root; bench/netns/run.sh)\t-\t-\n' >>"$rows"
fi

echo
echo "== make bench: all figures ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
awk -F'\t' '
  { f[NR]=$1; v[NR]=$2; g[NR]=$3; m[NR]=$4;
    if (length($1)>w1) w1=length($1); if (length($2)>w2) w2=length($2); if (length($3)>w3) w3=length($3) }
  END {
    if (w1<6) w1=6; if (w2<5) w2=5; if (w3<4) w3=4;
    printf "| %-*s | %-*s | %-*s | %s |\n", w1, "figure", w2, "value", w3, "goal", "met?";
    printf "|%s|%s|%s|------|\n", sprintf("%*s", w1+2, "") , sprintf("%*s", w2+2, ""), sprintf("%*s", w3+2, "");
    for (i=1;i<=NR;i++) printf "| %-*s | %-*s | %-*s | %-4s |\n", w1, f[i], w2, v[i], w3, g[i], m[i];
  }' "$rows" | sed -E '2s/ /-/g'
