#!/usr/bin/env bash
# kubectl against the sandbox API server: starts the sandbox on a free port, drives kubectl through
# namespaces, Deployments, Leases, a CRD and its custom resources (create, apply, read, label, annotate,
# patch merge/json/strategic, replace, scale, watch, delete) and RBAC (the sandbox runs with --rbac: a ServiceAccount
# token from `kubectl create token` may write its own Lease only; `kubectl auth can-i --as` agrees), prints PASS/FAIL
# per step and a summary.
# Exits non-zero when any step fails. The sandbox is always stopped.
#
# Environment:
#   SANDBOX_CMD   command that runs the sandbox program (default: dotnet run --project src/EdgeHa.Sandbox --)
#   KUBECTL       kubectl binary (default: kubectl)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KUBECTL="${KUBECTL:-kubectl}"
WORK="$(mktemp -d)"
export KUBECONFIG="$WORK/kubeconfig"
NS="edgeha-kubectl"
PASSED=0
FAILED=0
SANDBOX_PID=""
WATCH_PID=""

for tool in "$KUBECTL" jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool" >&2; exit 2; }
done

cleanup() {
  [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
  if [ -n "$SANDBOX_PID" ]; then
    # The sandbox runs in its own process group (setsid), so dotnet run and the app stop together.
    kill -TERM -- "-$SANDBOX_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SANDBOX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$SANDBOX_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

k() { "$KUBECTL" --cache-dir "$WORK/cache" --request-timeout=20s "$@"; }

# step NAME COMMAND...: runs the command (a shell snippet), PASS when it exits 0.
step() {
  local name="$1"; shift
  local out
  if out="$(bash -c "$*" 2>&1)"; then
    PASSED=$((PASSED + 1)); echo "PASS  $name"
  else
    FAILED=$((FAILED + 1)); echo "FAIL  $name"; echo "$out" | sed 's/^/      /' | head -20
  fi
}

# expect_eq NAME EXPECTED COMMAND...: PASS when the command's output equals EXPECTED.
expect_eq() {
  local name="$1" want="$2"; shift 2
  local got
  got="$(bash -c "$*" 2>&1)"
  if [ "$got" == "$want" ]; then
    PASSED=$((PASSED + 1)); echo "PASS  $name"
  else
    FAILED=$((FAILED + 1)); echo "FAIL  $name"; echo "      want: $want"; echo "      got:  $got" | head -20
  fi
}

# --- start the sandbox -------------------------------------------------------------------------
if [ -n "${SANDBOX_CMD:-}" ]; then
  read -r -a CMD <<<"$SANDBOX_CMD"
else
  CMD=(dotnet run --project "$ROOT/src/EdgeHa.Sandbox" --)
fi
setsid "${CMD[@]}" apiserver --port 0 --rbac --kubeconfig "$KUBECONFIG" >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
for _ in $(seq 1200); do
  grep -q "listening on" "$WORK/sandbox.log" 2>/dev/null && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || break
  sleep 0.1
done
URL="$(grep -o 'https\?://[0-9.:]*' "$WORK/sandbox.log" | head -1)"
if [ -z "$URL" ] || [ ! -s "$KUBECONFIG" ]; then
  echo "FAIL  sandbox did not start"; cat "$WORK/sandbox.log"; echo "0 passed, 1 failed"; exit 1
fi
echo "sandbox at $URL"
export -f k
export KUBECTL WORK NS KUBECONFIG

# --- discovery and namespaces --------------------------------------------------------------------
expect_eq "server version" "v1.32.0-edgeha-sandbox" "k version -o json | jq -r .serverVersion.gitVersion"
step "api-resources lists leases and deployments" "k api-resources | grep -q '^leases ' && k api-resources | grep -q '^deployments .*deploy'"
step "create namespace" "k create namespace $NS"
expect_eq "namespace is Active" "Active" "k get namespace $NS -o jsonpath='{.status.phase}'"
step "create namespace again is AlreadyExists" "k create namespace $NS 2>&1 | grep -q 'AlreadyExists\|already exists'"
k config set-context --current --namespace "$NS" >/dev/null

# --- Deployment --------------------------------------------------------------------------------
step "create deployment (typed client)" "k create deployment web --image=nginx:1.27 --port=80"
cat >"$WORK/api.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: main
        image: busybox:1.36
        env: [{name: MODE, value: active}]
        ports: [{containerPort: 8080}]
YAML
step "apply deployment" "k apply -f $WORK/api.yaml"
expect_eq "deployment generation is 1" "1" "k get deploy api -o jsonpath='{.metadata.generation}'"
sed -i 's/replicas: 2/replicas: 3/' "$WORK/api.yaml"
step "re-apply changed deployment" "k apply -f $WORK/api.yaml | grep -q configured"
expect_eq "apply changed replicas and bumped generation" "3 2" "k get deploy api -o json | jq -r '\"\(.spec.replicas) \(.metadata.generation)\"'"
step "re-apply unchanged is a no-op" "k apply -f $WORK/api.yaml | grep -q unchanged"
expect_eq "read -o json" "busybox:1.36 active" "k get deploy api -o json | jq -r '.spec.template.spec.containers[0] | \"\(.image) \(.env[0].value)\"'"
step "label deployment" "k label deploy api tier=backend"
expect_eq "label selector finds it" "api" "k get deploy -l 'tier in (backend,frontend)' -o jsonpath='{.items[*].metadata.name}'"
expect_eq "label != excludes it" "web" "k get deploy -l 'tier!=backend' -o jsonpath='{.items[*].metadata.name}'"
step "annotate deployment" "k annotate deploy api edgeha.io/note=hello"
expect_eq "annotation stored" "hello" "k get deploy api -o jsonpath='{.metadata.annotations.edgeha\.io/note}'"
expect_eq "label and annotate did not bump generation" "2" "k get deploy api -o jsonpath='{.metadata.generation}'"
step "strategic merge patch of a container" "k patch deploy api -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox:1.37\"}]}}}}'"
expect_eq "strategic patch merged by name, env kept" "busybox:1.37 active 1" "k get deploy api -o json | jq -r '.spec.template.spec.containers | \"\(.[0].image) \(.[0].env[0].value) \(length)\"'"
step "merge patch" "k patch deploy api --type=merge -p '{\"spec\":{\"replicas\":4}}'"
expect_eq "merge patch applied" "4" "k get deploy api -o jsonpath='{.spec.replicas}'"
step "json patch with test op" "k patch deploy api --type=json -p '[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":4},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":5}]'"
expect_eq "json patch applied" "5" "k get deploy api -o jsonpath='{.spec.replicas}'"
step "json patch failing test is rejected" "! k patch deploy api --type=json -p '[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":99},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":1}]'"
step "replace deployment" "k get deploy api -o json | jq '.spec.replicas = 6' | k replace -f -"
expect_eq "replace applied" "6" "k get deploy api -o jsonpath='{.spec.replicas}'"
step "replace with stale resourceVersion is a Conflict" "k get deploy api -o json | jq '.metadata.resourceVersion = \"1\"' | k replace -f - 2>&1 | grep -q 'the object has been modified'"
step "scale deployment" "k scale deploy api --replicas=2"
expect_eq "scale applied" "2" "k get deploy api -o jsonpath='{.spec.replicas}'"
step "server-side apply" "k apply --server-side -f $WORK/api.yaml"
expect_eq "get of a missing object is NotFound" 'Error from server (NotFound): deployments.apps "nope" not found' "k get deploy nope"

# --- Lease -------------------------------------------------------------------------------------
cat >"$WORK/lease.yaml" <<'YAML'
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: pair-a
spec:
  holderIdentity: node-a
  leaseDurationSeconds: 10
YAML
step "apply lease" "k apply -f $WORK/lease.yaml"
step "patch lease renewTime (merge)" "k patch lease pair-a --type=merge -p '{\"spec\":{\"renewTime\":\"2026-01-01T00:00:00.123456Z\",\"leaseTransitions\":1}}'"
expect_eq "lease read back" "node-a 2026-01-01T00:00:00.123456Z 1" "k get lease pair-a -o json | jq -r '.spec | \"\(.holderIdentity) \(.renewTime) \(.leaseTransitions)\"'"
expect_eq "lease printed with holder" "node-a" "k get lease pair-a --no-headers | awk '{print \$2}'"

# --- CRD and custom resources ------------------------------------------------------------------
cat >"$WORK/crd.yaml" <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: redundantpairs.edgeha.io
spec:
  group: edgeha.io
  scope: Namespaced
  names: {plural: redundantpairs, singular: redundantpair, kind: RedundantPair, shortNames: [rp], categories: [edgeha]}
  versions:
  - name: v1alpha1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Active, type: string, jsonPath: .status.activeNode}
    - {name: Mode, type: string, jsonPath: .spec.standbyMode}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [primaryNode, standbyNode]
            x-kubernetes-validations:
            - {rule: self.primaryNode != self.standbyNode, message: primaryNode and standbyNode must differ, fieldPath: .standbyNode}
            properties:
              primaryNode: {type: string, minLength: 1}
              standbyNode: {type: string}
              standbyMode: {type: string, enum: [Cold, Hot], default: Cold}
              failureThreshold: {type: integer, minimum: 1, maximum: 10}
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
YAML
step "apply CRD" "k apply -f $WORK/crd.yaml"
step "CRD is Established" "k wait --for condition=established --timeout=10s crd/redundantpairs.edgeha.io"
cat >"$WORK/rp.yaml" <<'YAML'
apiVersion: edgeha.io/v1alpha1
kind: RedundantPair
metadata:
  name: line1
spec:
  primaryNode: node-a
  standbyNode: node-b
  unknownField: pruned
YAML
step "apply custom resource" "k apply -f $WORK/rp.yaml"
expect_eq "default applied and unknown field pruned" '{"primaryNode":"node-a","standbyMode":"Cold","standbyNode":"node-b"}' "k get rp line1 -o json | jq -c .spec"
step "invalid custom resource is rejected (422)" "k patch rp line1 --type=merge -p '{\"spec\":{\"standbyMode\":\"Warm\"}}' 2>&1 | grep -q 'Unsupported value: \"Warm\"'"
step "missing required field is rejected" "k patch rp line1 --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/standbyNode\"}]' 2>&1 | grep -q 'spec.standbyNode: Required value'"
step "CEL validation rule is enforced" "k patch rp line1 --type=merge -p '{\"spec\":{\"standbyNode\":\"node-a\"}}' 2>&1 | grep -q 'spec.standbyNode: Invalid value: \"string\": primaryNode and standbyNode must differ'"
step "status subresource patch" "k patch rp line1 --subresource=status --type=merge -p '{\"status\":{\"activeNode\":\"node-a\"}}'"
expect_eq "status written, generation unchanged" "node-a 1" "k get rp line1 -o jsonpath='{.status.activeNode} {.metadata.generation}'"
expect_eq "kubectl get shows printer columns" "NAME ACTIVE MODE AGE|line1 node-a Cold" "k get rp | awk 'NR==1{h=\$1\" \"\$2\" \"\$3\" \"\$4} NR==2{r=\$1\" \"\$2\" \"\$3} END{print h\"|\"r}'"
step "get by category" "k get edgeha | grep -q line1"
step "label custom resource" "k label rp line1 site=plant-1"
step "annotate custom resource" "k annotate rp line1 edgeha.io/switchover-to=node-b"
expect_eq "custom resource labels and annotations" "plant-1 node-b" "k get rp -l site=plant-1 -o jsonpath='{.items[0].metadata.labels.site} {.items[0].metadata.annotations.edgeha\.io/switchover-to}'"
step "merge patch custom resource" "k patch rp line1 --type=merge -p '{\"spec\":{\"standbyMode\":\"Hot\",\"failureThreshold\":3}}'"
step "json patch custom resource" "k patch rp line1 --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/failureThreshold\",\"value\":4}]'"
expect_eq "custom resource patched, generation 3" "Hot 4 3" "k get rp line1 -o jsonpath='{.spec.standbyMode} {.spec.failureThreshold} {.metadata.generation}'"
step "strategic merge patch of a custom resource is refused" "k patch rp line1 --type=strategic -p '{\"spec\":{\"failureThreshold\":5}}' 2>&1 | grep -qi 'unknown format\|not supported\|UnsupportedMediaType'"
step "replace custom resource" "k get rp line1 -o json | jq '.spec.failureThreshold = 6' | k replace -f -"
expect_eq "replace kept status" "6 node-a" "k get rp line1 -o jsonpath='{.spec.failureThreshold} {.status.activeNode}'"

# --- watch -------------------------------------------------------------------------------------
k get deploy api --watch -o jsonpath='{.spec.replicas}{"\n"}' >"$WORK/watch.txt" 2>&1 &
WATCH_PID=$!
for _ in $(seq 100); do [ -s "$WORK/watch.txt" ] && break; sleep 0.1; done
k scale deploy api --replicas=9 >/dev/null
for _ in $(seq 100); do grep -qx 9 "$WORK/watch.txt" && break; sleep 0.1; done
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; WATCH_PID=""
expect_eq "get --watch saw the change" "3 9" "tr '\n' ' ' < $WORK/watch.txt | sed 's/ \$//'"
k get rp --watch --output-watch-events --no-headers >"$WORK/watch-rp.txt" 2>&1 &
WATCH_PID=$!
for _ in $(seq 100); do [ -s "$WORK/watch-rp.txt" ] && break; sleep 0.1; done
k delete rp line1 >/dev/null
for _ in $(seq 100); do grep -q '^DELETED' "$WORK/watch-rp.txt" && break; sleep 0.1; done
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; WATCH_PID=""
step "get --watch of a custom resource saw ADDED then DELETED" "grep -q '^ADDED *line1' $WORK/watch-rp.txt && grep -q '^DELETED *line1' $WORK/watch-rp.txt"

# --- RBAC: a collector's ServiceAccount may write its own pair's Lease and no other ---------------
SA="system:serviceaccount:$NS:line1-collector"
step "create service account" "k -n $NS create serviceaccount line1-collector"
step "create leases of two pairs" "k -n $NS create -f - <<'EOF'
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: line1}
spec: {}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: line2}
spec: {}
EOF"
step "role on the own lease only" "k -n $NS create role line1-collector --verb=get,watch,update,patch --resource=leases.coordination.k8s.io --resource-name=line1"
step "bind it to the service account" "k -n $NS create rolebinding line1-collector --role=line1-collector --serviceaccount=$NS:line1-collector"
expect_eq "auth can-i --as: own lease" "yes" "k -n $NS auth can-i update leases.coordination.k8s.io/line1 --as=$SA"
expect_eq "auth can-i --as: the other pair's lease" "no" "k -n $NS auth can-i update leases.coordination.k8s.io/line2 --as=$SA; true"
expect_eq "auth can-i --as: list leases" "no" "k -n $NS auth can-i list leases.coordination.k8s.io --as=$SA; true"
TOKEN="$(k -n $NS create token line1-collector 2>"$WORK/token.err")"
step "create token" "[ -n '$TOKEN' ] || { cat $WORK/token.err; false; }"
sa() { [ -n "$TOKEN" ] && k --token="$TOKEN" -n "$NS" "$@"; }
export -f sa k
export TOKEN NS KUBECTL WORK
step "token: annotate the own lease" "sa annotate lease line1 edgeha.io/renewed=1"
step "token: the other pair's lease is forbidden" "sa annotate lease line2 edgeha.io/renewed=1 2>&1 | grep -q 'leases.coordination.k8s.io \"line2\" is forbidden: User \"$SA\" cannot get resource \"leases\"'"
step "token: listing leases is forbidden" "sa get leases 2>&1 | grep -q 'cannot list resource \"leases\"'"
expect_eq "the other pair's lease is untouched" "" "k -n $NS get lease line2 -o jsonpath='{.metadata.annotations.edgeha\.io/renewed}'"

# --- delete ------------------------------------------------------------------------------------
step "delete deployment" "k delete deploy api --wait=true --timeout=10s"
step "deleted deployment is gone" "k get deploy api 2>&1 | grep -q NotFound"
step "delete lease" "k delete lease pair-a"
step "delete CRD" "k delete crd redundantpairs.edgeha.io"
step "CRD resources no longer served" "! k get redundantpairs.edgeha.io 2>/dev/null"
step "delete namespace (and its contents)" "k delete namespace $NS --wait=true --timeout=20s"
step "namespace is gone" "k get namespace $NS 2>&1 | grep -q NotFound"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
