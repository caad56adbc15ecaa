#!/usr/bin/env bash
# Keepalived vrrp_script check_alive: the local collector answers /healthz with 200. A node that is not MASTER has
# no collector running (notify_backup stopped it), so it passes; a collector started less than 5 s ago passes too
# (it needs about a second to start and a first device answer), else a fresh MASTER would fault itself at once.
# Usage: check_alive.sh STATE_DIR
dir="$1"
[ "$(cat "$dir/state" 2>/dev/null)" = MASTER ] || exit 0
if [ -f "$dir/collector.pid" ] && [ $(( $(date +%s) - $(stat -c %Y "$dir/collector.pid") )) -lt 5 ]; then exit 0; fi
exec curl -fsS -o /dev/null -m 1 http://127.0.0.1:8080/healthz
