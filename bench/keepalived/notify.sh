#!/usr/bin/env bash
# Keepalived notify_master / notify_backup / notify_fault, as factories write it: on MASTER start the collector,
# on BACKUP or FAULT stop it. Usage: notify.sh STATE_DIR MASTER|BACKUP|FAULT
# STATE_DIR holds env (DOTNET, COLLECTOR_DLL, DEVICE), and receives events (epoch-seconds STATE lines), state,
# collector.pid and collector.log.
set -u
dir="$1" state="$2"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$dir" DOTNET_CLI_TELEMETRY_OPTOUT=1
# shellcheck source=/dev/null
. "$dir/env"
printf '%s %s\n' "$(date +%s.%N)" "$state" >>"$dir/events"
printf '%s\n' "$state" >"$dir/state"
pid="$(cat "$dir/collector.pid" 2>/dev/null || true)"
alive() { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
case "$state" in
  MASTER)
    if ! alive; then
      # setsid + redirects: keepalived must not wait for (or keep a pipe to) the collector.
      setsid "$DOTNET" "$COLLECTOR_DLL" --device "$DEVICE" --read input:0:2 --sequence input:0 --interval-ms 50 \
        --role active --http-port 8080 --bind 0.0.0.0 --buffer-seconds 120 </dev/null >>"$dir/collector.log" 2>&1 &
      echo $! >"$dir/collector.pid"
    fi ;;
  BACKUP|FAULT|STOP)
    if alive; then
      # A hung (SIGSTOPped) collector only acts on SIGTERM once continued; SIGKILL if it has not exited in 3 s.
      kill -TERM "$pid" 2>/dev/null; kill -CONT "$pid" 2>/dev/null
      ( sleep 3; kill -KILL "$pid" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
    fi
    rm -f "$dir/collector.pid" ;;
esac
exit 0
