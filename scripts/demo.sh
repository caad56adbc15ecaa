#!/usr/bin/env bash
# The newcomer's demo on the sandbox (no cluster needed):
#   scripts/demo.sh run [--mode hot|cold|both]   make demo: the whole story, a timeline and results; exit 0 only on PASS
#   scripts/demo.sh up                           make demo-up: leave the sandbox running with the hot pair
#   scripts/demo.sh down                         make demo-down: stop it
#   scripts/demo.sh node crash|restore NODE      crash or restore a simulated node of the running sandbox
# The demo runs in its own process group; whatever happens (failure, Ctrl-C, timeout) the group is killed at the end,
# so no process it started outlives it.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

DOTNET=${DOTNET:-dotnet}
CONFIG=${CONFIG:-Release}
DEMO_TIMEOUT=${DEMO_TIMEOUT:-240}          # the demo's own limit (seconds); it stops cleanly and says where it was
UP_DIR=${EDGEHA_DEMO_UP_DIR:-${TMPDIR:-/tmp}/edgeha-demo-up}
UP_DIR=${UP_DIR%/}
DLL=src/EdgeHa.Demo/bin/$CONFIG/net10.0/EdgeHa.Demo.dll

build() {
  echo "== building the demo, the collector, the device simulator and the operator (dotnet build -c $CONFIG)"
  if ! "$DOTNET" build src/EdgeHa.Demo/EdgeHa.Demo.csproj -c "$CONFIG" --nologo -v quiet -clp:ErrorsOnly; then
    echo "!! the demo could not be built (errors above)" >&2
    exit 3
  fi
}

# Kills a process group, politely first; never our own group.
kill_group() {
  local pgid=$1 grace=${2:-10}
  [[ -n $pgid ]] || return 0
  local own
  own=$(ps -o pgid= -p $$ | tr -d ' ')
  if [[ $pgid == "$own" ]]; then
    return 0
  fi
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

pid="" pgid="" watchdog=""

run_cleanup() {
  [[ -n $watchdog ]] && kill "$watchdog" 2>/dev/null
  kill_group "$pgid" 10
}

# Ctrl-C / SIGTERM: ask the demo to stop with SIGTERM (SIGINT may be ignored in a background job); it cancels its
# steps and stops what it started; then the EXIT trap kills whatever is left in its process group.
run_interrupted() {
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null
  else
    exit 130
  fi
}

run() {
  trap run_cleanup EXIT
  trap run_interrupted INT TERM
  build
  setsid "$DOTNET" "$DLL" run --configuration "$CONFIG" --timeout-seconds "$DEMO_TIMEOUT" "$@" &
  pid=$!
  pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
  # A hard bound on top of the demo's own limit, in case it cannot stop by itself.
  (sleep $((DEMO_TIMEOUT + 60)) && echo "!! the demo did not stop within $((DEMO_TIMEOUT + 60)) s; killing it" >&2 && kill -KILL -- "-$pgid" 2>/dev/null) &
  watchdog=$!
  local rc
  while true; do
    wait "$pid"
    rc=$?
    kill -0 "$pid" 2>/dev/null || break
  done
  return "$rc"
}

up() {
  if [[ -f $UP_DIR/pid ]] && kill -0 "$(cat "$UP_DIR/pid")" 2>/dev/null; then
    echo "a demo sandbox already runs (pid $(cat "$UP_DIR/pid")); stop it with: make demo-down" >&2
    exit 1
  fi
  build
  mkdir -p "$UP_DIR"
  rm -f "$UP_DIR/ready"
  setsid "$DOTNET" "$DLL" up --work-dir "$UP_DIR" --configuration "$CONFIG" >"$UP_DIR/demo-up.log" 2>&1 </dev/null &
  local upid=$!
  echo "$upid" >"$UP_DIR/pid"
  echo "== starting the sandbox (pid $upid, log $UP_DIR/demo-up.log)"
  for ((i = 0; i < 1800; i++)); do
    if [[ -f $UP_DIR/ready ]]; then
      sleep 0.5
      cat "$UP_DIR/ready"
      echo "(stop it with: make demo-down)"
      return 0
    fi
    if ! kill -0 "$upid" 2>/dev/null; then
      echo "!! the sandbox stopped while starting:" >&2
      tail -n 30 "$UP_DIR/demo-up.log" >&2
      rm -f "$UP_DIR/pid"
      exit 3
    fi
    sleep 0.1
  done
  echo "!! the sandbox was not ready within 180 s; stopping it. Its log:" >&2
  tail -n 30 "$UP_DIR/demo-up.log" >&2
  kill_group "$upid" 10
  rm -f "$UP_DIR/pid"
  exit 3
}

down() {
  if [[ ! -f $UP_DIR/pid ]]; then
    echo "no demo sandbox is running ($UP_DIR/pid does not exist)"
    return 0
  fi
  local upid
  upid=$(cat "$UP_DIR/pid")
  echo "== stopping the demo sandbox (process group $upid)"
  kill_group "$upid" 25
  rm -f "$UP_DIR/pid" "$UP_DIR/ready"
}

node_power() {
  if [[ ! -f $DLL ]]; then
    build
  fi
  "$DOTNET" "$DLL" node "$@" --work-dir "$UP_DIR"
}

cmd=${1:-run}
shift || true
case $cmd in
  run) run "$@" ;;
  up) up ;;
  down) down ;;
  node) node_power "$@" ;;
  *)
    echo "usage: $0 run [--mode hot|cold|both] | up | down | node crash|restore NODE" >&2
    exit 2
    ;;
esac
