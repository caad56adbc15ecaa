#!/usr/bin/env bash
# Helpers shared by the kind end-to-end scripts. Sourced, not run.

# Milliseconds since the epoch (GNU date).
now_ms() {
  date +%s%3N
}

log() {
  printf '%s [e2e] %s\n' "$(date -u +%H:%M:%S.%3N)" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (see docs/delivery.md, 'End-to-end on kind')"
  done
}

# wait_until TIMEOUT_SECONDS INTERVAL_SECONDS DESCRIPTION COMMAND...: runs COMMAND until it succeeds.
wait_until() {
  local timeout="$1" interval="$2" what="$3"
  shift 3
  local deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    sleep "$interval"
  done
}

# The first IPv4 subnet of a Docker network, e.g. 172.18.0.0/16.
docker_network_ipv4_subnet() {
  docker network inspect "$1" --format '{{range .IPAM.Config}}{{.Subnet}} {{end}}' |
    tr ' ' '\n' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$' | head -n 1
}

# A MetalLB range at the top of a /16 (or larger) IPv4 subnet, away from the addresses Docker hands out
# from the bottom: 172.18.0.0/16 -> 172.18.255.200-172.18.255.250.
pool_range_for_subnet() {
  local subnet="$1" a b prefix
  prefix="${subnet#*/}"
  IFS=. read -r a b _ _ <<<"${subnet%/*}"
  [ "$prefix" -le 16 ] || die "kind network $subnet is smaller than a /16; set E2E_POOL_RANGE and E2E_VIP"
  printf '%s.%s.255.200-%s.%s.255.250\n' "$a" "$b" "$a" "$b"
}

# A RedundantPair status field, e.g. pair_status e2e-hot '{.status.activeNode}'.
pair_status() {
  kubectl -n "$NAMESPACE" get redundantpair "$1" -o "jsonpath=$2" 2>/dev/null
}

# Fills ${VARS} in a manifest from the environment (only the variables named, so other $ text stays).
render_manifest() {
  # shellcheck disable=SC2016 # envsubst takes the variable names literally
  envsubst '${NAMESPACE} ${PRIMARY_NODE} ${STANDBY_NODE} ${COLLECTOR_IMAGE} ${SIMULATOR_IMAGE} ${VIP_ADDRESS} ${POOL_RANGE}' <"$1"
}

# Polls the collector's /samples through the VIP into a file, one JSON document per line, until killed.
poll_samples() {
  local url="$1" out="$2"
  while :; do
    curl -fsS --max-time 1 "$url" 2>/dev/null | jq -c '.' >>"$out" 2>/dev/null || true
    sleep 0.2
  done
}

# Summarises polled samples between two instants (ms) as JSON:
#   {samples, lost (sequence numbers never published), maxGapMs (largest time between consecutive samples)}.
# Accepts /samples bodies that are an array of samples or an object with a "samples" array; a sample has
# "sequence" and "timestamp" (RFC 3339, UTC).
summarise_samples() {
  local file="$1" from_ms="$2" to_ms="$3"
  jq -s --argjson from "$from_ms" --argjson to "$to_ms" '
    def ms: capture("^(?<base>[0-9-]+T[0-9:]+)(\\.(?<frac>[0-9]+))?")
      | ((.base + "Z") | fromdateiso8601) * 1000 + (((.frac // "0") + "00")[0:3] | tonumber);
    [ .[] | (if type == "array" then . else (.samples // []) end) | .[] ]
    | map({seq: .sequence, t: (.timestamp | ms)})
    | unique_by(.seq)
    | map(select(.t >= $from and .t <= $to))
    | sort_by(.seq) as $s
    | {
        samples: ($s | length),
        lost: (if ($s | length) < 2 then 0
               else [range(1; $s | length) as $i | ($s[$i].seq - $s[$i - 1].seq - 1)] | map(select(. > 0)) | add // 0 end),
        maxGapMs: (if ($s | length) < 2 then null
                   else [range(1; $s | length) as $i | ($s[$i].t - $s[$i - 1].t)] | max end)
      }' "$file"
}
