#!/usr/bin/env bash
# Builds the three images (deploy/docker/{operator,collector,modbus-simulator}.Dockerfile) with podman on the local
# base images (scripts/base-images.sh; no registry needed) and starts each: the simulator and the collector must
# answer /healthz running as uid 1654 on a read-only root file system with every capability dropped, the operator
# must print its flags. Containers run with no network (--network none); the checks reach them through their own
# network namespace's loopback, so nothing is published on the host.
# Prints one PASS:/FAIL: line per check, or one SKIP: line saying why and what enables it, then
# "N passed, N failed, N skipped"; exits 1 on any failure. Removes its containers, also on failure; keeps the images
# (the next run rebuilds only what changed).
# Usage: scripts/test-images.sh            (root; installs podman, runc and debootstrap when missing)
# Environment: EDGEHA_TEST_IMAGES=0 skips; IMG_TAG [check] tags localhost/edgeha/<name>:$IMG_TAG
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

tag=${IMG_TAG:-check}
uid=1654
passed=0; failed=0
log_dir=$(mktemp -d /tmp/edgeha-images.XXXXXX)
sim=edgeha-check-sim-$$
collector=edgeha-check-collector-$$

skip() { # skip WHY ENABLE
  echo "SKIP: images (build and start the operator, collector and simulator images): $1; to run it: $2"
  echo "0 passed, 0 failed, 1 skipped"
  rm -rf "$log_dir"
  exit 0
}
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
finish() {
  echo "$passed passed, $failed failed, 0 skipped"
  [ "$failed" -eq 0 ]
  exit
}
cleanup() {
  # One at a time, the collector first: podman 4.3 refuses to remove the simulator while a container joins its
  # network namespace, even within the same command.
  podman rm -f -t 0 "$collector" >/dev/null 2>&1
  podman rm -f -t 0 "$sim" >/dev/null 2>&1
  rm -rf "$log_dir"
}

[ "${EDGEHA_TEST_IMAGES:-1}" = 0 ] && skip "EDGEHA_TEST_IMAGES=0" "unset EDGEHA_TEST_IMAGES"
[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap and podman import make the base images)" "sudo $0"

# ---- tools ------------------------------------------------------------------------------------------------------
t0=$SECONDS
tools=(podman runc debootstrap netavark aardvark-dns curl util-linux make)
scripts/install-test-peers.sh "${tools[@]}" >/dev/null 2>&1 || true
for c in podman runc debootstrap curl nsenter make; do
  command -v "$c" >/dev/null 2>&1 \
    || skip "$c is missing and could not be installed (no apt-get, or it failed)" \
            "apt-get update && apt-get install -y --no-install-recommends ${tools[*]}"
done
t_tools=$((SECONDS - t0))
trap cleanup EXIT

# ---- base images and builds -------------------------------------------------------------------------------------
t0=$SECONDS
if scripts/base-images.sh >"$log_dir/base.log" 2>&1; then
  grep '^base-images: made ' "$log_dir/base.log"
  pass "images: local base images $(sed -n 's/^base-images: ready: //p' "$log_dir/base.log")"
else
  cat "$log_dir/base.log"; fail "images: local base images (scripts/base-images.sh)"; finish
fi
t_base=$((SECONDS - t0))

builds=""
for name in operator collector modbus-simulator; do
  t0=$SECONDS
  if make --no-print-directory docker-build CONTAINER_TOOL=podman BASE=local IMAGES="$name" \
      IMG_REGISTRY=localhost IMG_TAG="$tag" >"$log_dir/build-$name.log" 2>&1; then
    pass "images: $name builds (localhost/edgeha/$name:$tag, $((SECONDS - t0)) s)"
  else
    tail -n 40 "$log_dir/build-$name.log"; fail "images: $name builds"
  fi
  builds+="${builds:+, }$name $((SECONDS - t0)) s"
done
[ "$failed" -eq 0 ] || finish

# ---- runs -------------------------------------------------------------------------------------------------------
t0=$SECONDS
# As the chart runs them (restricted profile, readOnlyRootFilesystem), and stricter: no tmpfs on /tmp either.
run_flags=(--read-only --read-only-tmpfs=false --cap-drop all --security-opt no-new-privileges)

pid_of() { podman inspect -f '{{.State.Pid}}' "$1" 2>/dev/null; }
# healthz CONTAINER PORT: waits up to 30 s for 200 from /healthz on the container's own loopback.
healthz() {
  local pid body
  for _ in $(seq 1 60); do
    pid=$(pid_of "$1")
    if [ -z "$pid" ] || [ "$pid" = 0 ]; then break; fi
    if body=$(nsenter -t "$pid" -n curl -fsS -m 2 "http://127.0.0.1:$2/healthz" 2>/dev/null); then
      echo "$body" | head -n 1
      return 0
    fi
    sleep 0.5
  done
  return 1
}
# runs_confined NAME CONTAINER IMAGE: the image's user, the process's uid and the root mount, seen from the host.
runs_confined() {
  local name=$1 c=$2 image=$3 pid user ids inside root_opts
  user=$(podman image inspect -f '{{.Config.User}}' "$image")
  pid=$(pid_of "$c")
  ids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status" 2>/dev/null)
  inside=$(podman exec "$c" id -u 2>&1)
  if [ "$user" = "$uid:$uid" ] && [ "$ids" = "$uid $uid $uid $uid" ] && [ "$inside" = "$uid" ]; then
    pass "images: $name runs as uid $uid (image USER $user; process uids $ids; id -u inside: $inside)"
  else
    fail "images: $name runs as uid $uid (image USER '$user'; process uids '$ids'; id -u inside: '$inside')"
  fi
  # Field 5 of mountinfo is the mount point, field 6 its options.
  root_opts=$(awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" 2>/dev/null | tail -n 1)
  if [[ "$root_opts" == ro* ]] && ! podman exec "$c" touch /app/.write-probe 2>/dev/null; then
    pass "images: $name has a read-only root file system (/ mounted $root_opts; writing /app refused)"
  else
    fail "images: $name has a read-only root file system (/ mounted '$root_opts')"
  fi
}
# logs_clean NAME CONTAINER: no warning or error in the start-up log (the console logger's warn:/fail:/crit: lines).
logs_clean() {
  local bad
  bad=$(podman logs "$2" 2>&1 | grep -E '^(warn|fail|crit): ' | head -n 3)
  if [ -z "$bad" ]; then pass "images: $1 starts with no warning in its log"; else fail "images: $1 starts with no warning in its log: $bad"; fi
}
show_logs() { echo "--- podman logs $1"; podman logs "$1" 2>&1 | tail -n 30; }

# The simulator (no map: a counting sequence at input register 0 on Modbus 5020) moves its HTTP to 8081, since the
# collector shares its network namespace to poll it on loopback and keeps its own default 8080.
sim_image=localhost/edgeha/modbus-simulator:$tag
if podman run -d --name "$sim" --network none "${run_flags[@]}" "$sim_image" --http-port 8081 >/dev/null \
    && body=$(healthz "$sim" 8081); then
  pass "images: modbus-simulator answers /healthz ($body)"
  runs_confined modbus-simulator "$sim" "$sim_image"
  logs_clean modbus-simulator "$sim"
else
  show_logs "$sim"; fail "images: modbus-simulator answers /healthz on 8081"
fi

collector_image=localhost/edgeha/collector:$tag
if podman run -d --name "$collector" --network "container:$sim" "${run_flags[@]}" "$collector_image" \
      --device 127.0.0.1:5020 --read input:0:1 >/dev/null \
    && body=$(healthz "$collector" 8080); then
  pass "images: collector answers /healthz polling the simulator ($body)"
  runs_confined collector "$collector" "$collector_image"
  logs_clean collector "$collector"
else
  show_logs "$collector"; fail "images: collector answers /healthz on 8080"
fi

operator_image=localhost/edgeha/operator:$tag
help=$(podman run --rm --network none "${run_flags[@]}" "$operator_image" --help 2>&1); rc=$?
missing=""
for flag in leader-elect health-probe-bind-address metrics-bind-address kubeconfig; do
  # Listed Go-style (-flag, as controller-runtime's operators print them); --flag is accepted too.
  grep -qE -- "(^|[ ,])--?$flag( |$)" <<<"$help" || missing+=" $flag"
done
if [ "$rc" -eq 0 ] && [ -z "$missing" ]; then
  pass "images: operator --help prints its flags ($(grep -cE '^ +-' <<<"$help") flag lines, exit 0)"
else
  printf '%s\n' "$help" | head -n 30; fail "images: operator --help prints its flags (exit $rc; missing:${missing:- none})"
fi
operator_uid=$(podman run --rm --network none "${run_flags[@]}" --entrypoint id "$operator_image" -u 2>&1)
if [ "$operator_uid" = "$uid" ]; then
  pass "images: operator runs as uid $uid"
else
  fail "images: operator runs as uid $uid (id -u: '$operator_uid')"
fi
t_runs=$((SECONDS - t0))

cleanup
left=$(podman ps -a --format '{{.Names}}' | grep -cE "^($sim|$collector)$")
if [ "$left" -eq 0 ]; then pass "images: no container left behind"; else fail "images: $left containers left behind"; fi
echo "images: times: tools ${t_tools} s, base images ${t_base} s, builds ${builds}, runs ${t_runs} s"
finish
