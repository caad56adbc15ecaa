#!/usr/bin/env bash
# End-to-end test on kind (needs Docker, kind, kubectl, helm, curl, jq, envsubst):
#   1. a kind cluster: one control plane, two workers (the pair's nodes);
#   2. MetalLB (official manifest, pinned) with a layer-2 pool from the kind Docker network;
#   3. the three images built and loaded into kind; the chart installed (2 operator replicas);
#   4. a Modbus simulator on the control plane and a hot-standby pair on the workers with a MetalLB VIP;
#      the VIP checked over HTTP and by `helm test` (a Modbus read through the VIP);
#   5. `docker stop` of the active worker: failover time and data gap measured from the collector's
#      samples polled through the VIP, against the pair's status.predictedFailoverMilliseconds;
#   6. the worker restarted: automatic fail-back to the primary checked, with its own data gap.
# Results: $E2E_ARTIFACTS/results.json; on failure, cluster state and logs are collected there too.
#
# Environment (defaults in brackets):
#   E2E_CLUSTER [edge-ha]            kind cluster name
#   E2E_KIND_NODE_IMAGE [kindest/node:v1.32.2]
#   E2E_METALLB_VERSION [v0.14.9]
#   E2E_KEEP_CLUSTER [0]             1: leave the cluster running afterwards
#   E2E_SKIP_BUILD [0]               1: use images already built (make docker-build)
#   E2E_HELM_TEST [1]                0: skip `helm test` (the collector's one-shot Modbus read through the VIP)
#   IMG_REGISTRY [docker.io] IMG_TAG [e2e]
#   E2E_FAILOVER_MARGIN_MS [3000]    allowed excess over the predicted failover time (ARP, polling, kind)
#   E2E_MAX_LOST_SAMPLES [0]         hot standby loses no sample
#   E2E_LEADER_LEASE [4s]            operator leader election lease (renew deadline 3s, retry 1s); when the
#                                    leading replica ran on the stopped worker, its takeover is added to the bound
#   E2E_POOL_RANGE, E2E_VIP          override the MetalLB range and the VIP
#   E2E_ARTIFACTS [tests/e2e/artifacts]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"

CLUSTER="${E2E_CLUSTER:-edge-ha}"
KIND_NODE_IMAGE="${E2E_KIND_NODE_IMAGE:-kindest/node:v1.32.2}"
METALLB_VERSION="${E2E_METALLB_VERSION:-v0.14.9}"
KEEP_CLUSTER="${E2E_KEEP_CLUSTER:-0}"
SKIP_BUILD="${E2E_SKIP_BUILD:-0}"
HELM_TEST="${E2E_HELM_TEST:-1}"
IMG_REGISTRY="${IMG_REGISTRY:-docker.io}"
IMG_TAG="${IMG_TAG:-e2e}"
FAILOVER_MARGIN_MS="${E2E_FAILOVER_MARGIN_MS:-3000}"
MAX_LOST_SAMPLES="${E2E_MAX_LOST_SAMPLES:-0}"
ARTIFACTS="${E2E_ARTIFACTS:-$here/artifacts}"
LEADER_LEASE="${E2E_LEADER_LEASE:-4s}"
PAIR=e2e-hot
RELEASE=edge-ha-operator
OPERATOR_NS=edge-ha-system
export NAMESPACE=edge-ha-e2e

image() { printf '%s/edgeha/%s:%s' "$IMG_REGISTRY" "$1" "$IMG_TAG"; }
export COLLECTOR_IMAGE SIMULATOR_IMAGE PRIMARY_NODE STANDBY_NODE VIP_ADDRESS POOL_RANGE
COLLECTOR_IMAGE="$(image collector)"
SIMULATOR_IMAGE="$(image modbus-simulator)"
OPERATOR_IMAGE="$(image operator)"

need docker kind kubectl helm curl jq envsubst
mkdir -p "$ARTIFACTS"
results="$ARTIFACTS/results.json"
echo '{}' >"$results"
poller_pid=""

record() { # record KEY JSON_VALUE
  local tmp
  tmp="$(mktemp)"
  jq --arg k "$1" --argjson v "$2" '.[$k] = $v' "$results" >"$tmp" && mv "$tmp" "$results"
}

collect_diagnostics() {
  log "collecting diagnostics into $ARTIFACTS"
  kubectl get nodes -o wide >"$ARTIFACTS/nodes.txt" 2>&1 || true
  kubectl get redundantpair -A -o yaml >"$ARTIFACTS/redundantpairs.yaml" 2>&1 || true
  kubectl get all,lease,endpointslices -n "$NAMESPACE" -o wide >"$ARTIFACTS/pair-namespace.txt" 2>&1 || true
  kubectl get events -A --sort-by=.lastTimestamp >"$ARTIFACTS/events.txt" 2>&1 || true
  kubectl -n "$OPERATOR_NS" logs -l app.kubernetes.io/component=operator --all-containers --prefix --tail=-1 \
    >"$ARTIFACTS/operator.log" 2>&1 || true
  kubectl -n "$NAMESPACE" logs -l app.kubernetes.io/name=e2e-collector --all-containers --prefix --tail=-1 \
    >"$ARTIFACTS/collectors.log" 2>&1 || true
  kind export logs "$ARTIFACTS/kind-logs" --name "$CLUSTER" >/dev/null 2>&1 || true
}

cleanup() {
  local rc=$?
  if [ -n "$poller_pid" ]; then
    kill "$poller_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    collect_diagnostics
  fi
  if [ "$KEEP_CLUSTER" != 1 ]; then
    kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  fi
  log "results: $(jq -c . "$results" 2>/dev/null)"
  exit "$rc"
}
trap cleanup EXIT

# ---- 1. cluster -----------------------------------------------------------------------------------------
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  log "reusing kind cluster $CLUSTER"
else
  log "creating kind cluster $CLUSTER ($KIND_NODE_IMAGE)"
  kind create cluster --name "$CLUSTER" --image "$KIND_NODE_IMAGE" --config "$here/kind-config.yaml" --wait 180s
fi
kubectl config use-context "kind-$CLUSTER" >/dev/null
PRIMARY_NODE="$(kubectl get nodes -l edgeha.io/e2e-role=primary -o jsonpath='{.items[0].metadata.name}')"
STANDBY_NODE="$(kubectl get nodes -l edgeha.io/e2e-role=standby -o jsonpath='{.items[0].metadata.name}')"
if [ -z "$PRIMARY_NODE" ] || [ -z "$STANDBY_NODE" ]; then
  die "the kind workers lack the edgeha.io/e2e-role labels"
fi
log "pair nodes: primary $PRIMARY_NODE, standby $STANDBY_NODE"

# ---- 2. MetalLB -----------------------------------------------------------------------------------------
log "installing MetalLB $METALLB_VERSION"
kubectl apply -f "https://raw.githubusercontent.com/metallb/metallb/${METALLB_VERSION}/config/manifests/metallb-native.yaml"
kubectl -n metallb-system rollout status deployment/controller --timeout=180s
kubectl -n metallb-system rollout status daemonset/speaker --timeout=180s
if [ -n "${E2E_POOL_RANGE:-}" ]; then
  POOL_RANGE="$E2E_POOL_RANGE"
else
  POOL_RANGE="$(pool_range_for_subnet "$(docker_network_ipv4_subnet kind)")"
fi
VIP_ADDRESS="${E2E_VIP:-${POOL_RANGE%-*}}"
log "MetalLB pool $POOL_RANGE, VIP $VIP_ADDRESS"
# The webhook answers a little after the controller is Ready.
wait_until 120 3 "MetalLB accepts the address pool" \
  bash -c "source '$here/lib.sh'; render_manifest '$here/manifests/metallb-pool.yaml' | kubectl apply -f -"

# ---- 3. images and chart --------------------------------------------------------------------------------
if [ "$SKIP_BUILD" != 1 ]; then
  log "building images ($IMG_REGISTRY, tag $IMG_TAG)"
  make -C "$root" docker-build IMG_REGISTRY="$IMG_REGISTRY" IMG_TAG="$IMG_TAG"
fi
for img in "$OPERATOR_IMAGE" "$COLLECTOR_IMAGE" "$SIMULATOR_IMAGE"; do
  kind load docker-image "$img" --name "$CLUSTER"
done

kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl label namespace "$NAMESPACE" pod-security.kubernetes.io/enforce=restricted --overwrite
log "installing the chart"
helm upgrade --install "$RELEASE" "$root/charts/edge-ha-operator" \
  --namespace "$OPERATOR_NS" --create-namespace \
  --set image.registry="$IMG_REGISTRY" --set image.tag="$IMG_TAG" --set image.pullPolicy=Never \
  --set collector.image.registry="$IMG_REGISTRY" --set collector.image.tag="$IMG_TAG" \
  --set simulator.image.registry="$IMG_REGISTRY" --set simulator.image.tag="$IMG_TAG" \
  --set tests.vipAddress="$VIP_ADDRESS" --set tests.port=502 \
  --set leaderElection.leaseDuration="$LEADER_LEASE" --set leaderElection.renewDeadline=3s \
  --set leaderElection.retryPeriod=1s \
  --wait --timeout 5m
wait_until 120 2 "an operator replica leads" \
  bash -c "kubectl -n '$OPERATOR_NS' get lease edge-ha-operator -o jsonpath='{.spec.holderIdentity}' | grep -q ."

# ---- 4. simulator, pair, VIP ----------------------------------------------------------------------------
log "deploying the simulator and the pair"
render_manifest "$here/manifests/simulator.yaml" | kubectl apply -f -
kubectl -n "$NAMESPACE" rollout status deployment/modbus-sim --timeout=180s
render_manifest "$here/manifests/pair-hot.yaml" | kubectl apply -f -
wait_until 240 2 "pair $PAIR active on $PRIMARY_NODE" \
  bash -c "[ \"\$(kubectl -n '$NAMESPACE' get rp '$PAIR' -o jsonpath='{.status.activeNode}')\" = '$PRIMARY_NODE' ]"
kubectl -n "$NAMESPACE" wait "redundantpair/$PAIR" --for=condition=Ready --timeout=180s
kubectl -n "$NAMESPACE" wait "redundantpair/$PAIR" --for=condition=VipAssigned --timeout=180s
wait_until 120 1 "the VIP $VIP_ADDRESS answers /healthz" curl -fsS --max-time 1 "http://$VIP_ADDRESS:8080/healthz"
log "VIP $VIP_ADDRESS serves the active collector"
# Least privilege, enforced by a real API server: the pair's collectors run as its own ServiceAccount, which may
# renew the pair's Lease and no other (the leader election Lease lives in the operator's namespace).
collector_sa="system:serviceaccount:$NAMESPACE:$PAIR-collector"
[ "$(kubectl -n "$NAMESPACE" get pods -l "edgeha.io/pair=$PAIR" -o jsonpath='{.items[*].spec.serviceAccountName}' | tr ' ' '\n' | sort -u)" = "$PAIR-collector" ] ||
  die "the collector pods do not run as $PAIR-collector"
kubectl -n "$NAMESPACE" auth can-i update "leases/$PAIR-active" --as "$collector_sa" >/dev/null ||
  die "$PAIR-collector may not renew its own Lease"
for denied in "update leases/other-pair-active" "list leases" "create leases" "patch leases/$PAIR-active"; do
  # shellcheck disable=SC2086 # verb and resource are two words
  if kubectl -n "$NAMESPACE" auth can-i $denied --as "$collector_sa" >/dev/null 2>&1; then
    die "$PAIR-collector may $denied"
  fi
done
log "collector RBAC: $PAIR-collector may renew leases/$PAIR-active and nothing else checked"
if [ "$HELM_TEST" = 1 ]; then
  log "helm test: a Modbus read through the VIP"
  helm test "$RELEASE" --namespace "$OPERATOR_NS" --timeout 3m --logs
fi

predicted_ms="$(pair_status "$PAIR" '{.status.predictedFailoverMilliseconds}')"
[ -n "$predicted_ms" ] || die "status.predictedFailoverMilliseconds is not set"
record predictedFailoverMs "$predicted_ms"
log "predicted failover: ${predicted_ms} ms"

samples_file="$ARTIFACTS/samples.jsonl"
: >"$samples_file"
poll_samples "http://$VIP_ADDRESS:8080/samples" "$samples_file" &
poller_pid=$!
# Let the poller see the steady state before the fault.
wait_until 30 1 "samples arrive through the VIP" test -s "$samples_file"
sleep 5

# ---- 5. unplanned failover: stop the active worker ------------------------------------------------------
active="$(pair_status "$PAIR" '{.status.activeNode}')"
[ "$active" = "$PRIMARY_NODE" ] || die "expected $PRIMARY_NODE active, found '$active'"
epoch_before="$(pair_status "$PAIR" '{.status.epoch}')"
# The operator's own takeover counts when its leader ran on the node that dies.
leader="$(kubectl -n "$OPERATOR_NS" get lease edge-ha-operator -o jsonpath='{.spec.holderIdentity}')"
leader_node=""
for pod in $(kubectl -n "$OPERATOR_NS" get pods -l app.kubernetes.io/component=operator -o jsonpath='{.items[*].metadata.name}'); do
  if [[ "$leader" == "$pod"* ]]; then
    leader_node="$(kubectl -n "$OPERATOR_NS" get pod "$pod" -o jsonpath='{.spec.nodeName}')"
  fi
done
bound_ms=$((predicted_ms + FAILOVER_MARGIN_MS))
if [ "$leader_node" = "$active" ]; then
  lease_s="${LEADER_LEASE%s}"
  bound_ms=$((bound_ms + ${lease_s%.*} * 1000))
  log "the operator leader ($leader) runs on $active too: its takeover is added to the bound"
fi
record leader "$(jq -n --arg id "$leader" --arg node "$leader_node" --argjson bound "$bound_ms" \
  '{holderIdentity: $id, node: $node, boundMs: $bound}')"
log "stopping the active worker $active (docker stop -t 0: a power cut)"
t_stop="$(now_ms)"
docker stop --time 0 "$active" >/dev/null
wait_until 120 0.2 "status.activeNode leaves $active" \
  bash -c "a=\$(kubectl -n '$NAMESPACE' get rp '$PAIR' -o jsonpath='{.status.activeNode}'); [ -n \"\$a\" ] && [ \"\$a\" != '$active' ]"
t_status="$(now_ms)"
wait_until 120 0.2 "the VIP answers from the standby" curl -fsS --max-time 0.5 "http://$VIP_ADDRESS:8080/healthz"
t_vip="$(now_ms)"
sleep 5
t_after="$(now_ms)"
new_active="$(pair_status "$PAIR" '{.status.activeNode}')"
[ "$new_active" = "$STANDBY_NODE" ] || die "expected $STANDBY_NODE active after the failover, found '$new_active'"
epoch_after="$(pair_status "$PAIR" '{.status.epoch}')"
[ "$epoch_after" -gt "$epoch_before" ] || die "the epoch did not increase on promotion ($epoch_before -> $epoch_after)"

failover_status_ms=$((t_status - t_stop))
failover_vip_ms=$((t_vip - t_stop))
gap="$(summarise_samples "$samples_file" $((t_stop - 5000)) "$t_after")"
record failover "$(jq -n --argjson s "$failover_status_ms" --argjson v "$failover_vip_ms" --argjson g "$gap" \
  --argjson lt "$(kubectl -n "$NAMESPACE" get rp "$PAIR" -o jsonpath='{.status.lastTransition}')" \
  '{statusChangedMs: $s, vipServingMs: $v, samples: $g, lastTransition: $lt}')"
log "failover: status after ${failover_status_ms} ms, VIP serving after ${failover_vip_ms} ms (predicted ${predicted_ms} ms)"
log "failover data: $(jq -c . <<<"$gap")"

status_ok=1
if [ "$failover_status_ms" -gt "$bound_ms" ]; then
  log "FAIL: failover took ${failover_status_ms} ms, over the bound ${bound_ms} ms (predicted ${predicted_ms} ms)"
  status_ok=0
fi
lost="$(jq '.lost' <<<"$gap")"
max_gap="$(jq '.maxGapMs // 0' <<<"$gap")"
if [ "$lost" -gt "$MAX_LOST_SAMPLES" ]; then
  log "FAIL: $lost samples lost across the failover (allowed $MAX_LOST_SAMPLES)"
  status_ok=0
fi
if [ "$max_gap" -gt "$bound_ms" ]; then
  log "FAIL: data gap ${max_gap} ms, over the bound ${bound_ms} ms (predicted ${predicted_ms} ms)"
  status_ok=0
fi

# ---- 6. restart the worker: automatic fail-back ---------------------------------------------------------
log "restarting $active"
docker start "$active" >/dev/null
kubectl wait "node/$active" --for=condition=Ready --timeout=180s
stabilization="$(kubectl -n "$NAMESPACE" get rp "$PAIR" -o jsonpath='{.spec.failover.failbackStabilizationSeconds}')"
t_back_start="$(now_ms)"
wait_until $((${stabilization:-30} + 180)) 0.5 "fail-back to $PRIMARY_NODE" \
  bash -c "[ \"\$(kubectl -n '$NAMESPACE' get rp '$PAIR' -o jsonpath='{.status.activeNode}')\" = '$PRIMARY_NODE' ]"
t_back="$(now_ms)"
wait_until 60 0.2 "the VIP answers after the fail-back" curl -fsS --max-time 0.5 "http://$VIP_ADDRESS:8080/healthz"
sleep 5
back_gap="$(summarise_samples "$samples_file" "$t_back_start" "$(now_ms)")"
record failback "$(jq -n --argjson ms $((t_back - t_back_start)) --argjson g "$back_gap" '{afterNodeReadyMs: $ms, samples: $g}')"
log "fail-back after $(((t_back - t_back_start) / 1000)) s (stabilization ${stabilization} s); data: $(jq -c . <<<"$back_gap")"
if [ "$(jq '.lost' <<<"$back_gap")" -gt 0 ]; then
  log "FAIL: the planned fail-back lost samples"
  status_ok=0
fi
failovers="$(pair_status "$PAIR" '{.status.failoverCount}')"
record failoverCount "${failovers:-0}"

[ "$status_ok" = 1 ] || die "failover measurements out of bounds (see $results)"
log "PASS: failover in ${failover_vip_ms} ms (predicted ${predicted_ms} ms), ${lost} samples lost; fail-back clean"
