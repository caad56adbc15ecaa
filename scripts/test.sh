#!/usr/bin/env bash
# The project's test command: installs missing test peers where it can, builds once, runs every .NET test project,
# then the manifest checks, the network tests (tests/netns: real cuts between network namespaces; they skip
# without root, EDGEHA_TEST_NETNS=0 skips them) and the image checks (scripts/test-images.sh: the three images built
# with podman and started; they skip without root, EDGEHA_TEST_IMAGES=0 skips them), and prints one closing line
# "N passed, N failed" summed over all of them. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
results=TestResults
rm -rf "$results"

# Debian peers (interop peers, yamllint, shellcheck, Node.js): installed when missing and running as root, else
# listed with the apt-get command; the tests that need a missing one skip.
scripts/install-test-peers.sh || echo "warning: scripts/install-test-peers.sh failed; tests needing a missing peer skip"

# The pinned helm and kubectl (into .tools/bin) before the .NET tests: one of them runs the operator under the chart's
# RBAC as helm renders it; it skips, saying so, when helm cannot be fetched.
scripts/install-helm.sh >/dev/null || echo "warning: scripts/install-helm.sh failed; the chart-RBAC operator test skips"

# Node tools for the schema tests (CRD against the apiextensions schema, CEL rules); the tests skip without them.
if command -v npm >/dev/null 2>&1 && [ ! -d tests/schema/node_modules ]; then
  npm ci --prefix tests/schema --no-audit --no-fund --loglevel=error || echo "warning: npm ci in tests/schema failed"
fi

dotnet build EdgeHaOperator.sln -c Release --nologo -v q -clp:ErrorsOnly || exit 1
dotnet test EdgeHaOperator.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
rc=$?
read -r dn_passed dn_failed dn_skipped < <(scripts/test-summary.sh "$results" | awk '{print $1, $3, $5}')
echo "dotnet: ${dn_passed} passed, ${dn_failed} failed, ${dn_skipped} skipped"
# Figures the suites report about themselves (the simulation's schedule count and violations), from the TRX output.
grep -ho 'simulation[^&<]*violat[^&<]*' "$results"/*.trx 2>/dev/null | sort -u || true

# The shell checks that end with their own "N passed, N failed, N skipped" line: each one's counts are added to
# these, its FAIL: lines kept for the list at the end; a non-zero exit without a counted failure counts as one.
c_passed=0; c_failed=0; c_skipped=0; c_failures=""
run_counted() {
  local log crc p f s failures
  log=$(mktemp)
  "$@" | tee "$log"
  crc=${PIPESTATUS[0]}
  read -r p f s < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | awk '{print $1, $3, $5}')
  p=${p:-0}; f=${f:-0}; s=${s:-0}
  if [ "$crc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  c_passed=$((c_passed + p)); c_failed=$((c_failed + f)); c_skipped=$((c_skipped + s))
  failures=$(grep -E '^FAIL: ' "$log" || true)
  if [ -n "$failures" ]; then c_failures+="$failures"$'\n'; fi
  rm -f "$log"
}

echo "== manifest checks (chart, kustomize, samples, CRD copies, RBAC, scripts)"
run_counted tests/manifests/check.sh

echo "== network tests (simulated nodes in network namespaces, real cuts with iptables; root)"
# The Release outputs just built, in the layout the bench scripts take with --build.
net_build=$(mktemp -d)
ln -s "$PWD/src/EdgeHa.Collector/bin/Release/net10.0" "$net_build/collector"
ln -s "$PWD/src/EdgeHa.ModbusSimulator/bin/Release/net10.0" "$net_build/sim"
ln -s "$PWD/src/EdgeHa.Operator/bin/Release/net10.0" "$net_build/operator"
ln -s "$PWD/bench/netns/EdgeHa.Netns.Bench/bin/Release/net10.0" "$net_build/bench"
n_passed=0; n_failed=0; n_skipped=0; n_failures=""
for t in tests/netns/*.sh; do
  if [ "${EDGEHA_TEST_NETNS:-1}" = 0 ]; then
    echo "SKIP: $t (EDGEHA_TEST_NETNS=0)"; n_skipped=$((n_skipped + 1)); continue
  fi
  out=$("$t" --build "$net_build" 2>&1); trc=$?
  verdict=$(grep -E '^(PASS|FAIL|SKIP): ' <<<"$out" | tail -n 1)
  if [ "$trc" -eq 0 ] && [[ "$verdict" == SKIP:* ]]; then
    n_skipped=$((n_skipped + 1)); echo "$t: $verdict"
  elif [ "$trc" -eq 0 ]; then
    n_passed=$((n_passed + 1)); echo "$t: ${verdict:-PASS}"
  else
    # A failure shows its whole output (the table says what happened under which cut).
    printf '%s\n' "$out"
    n_failed=$((n_failed + 1)); n_failures+="FAIL: $t: ${verdict:-exit $trc}"$'\n'
  fi
done
rm -rf "$net_build"

echo "== images (the three Dockerfiles built with podman on local base images and started; root)"
# Counted as the manifest checks are. EDGEHA_TEST_IMAGES=0 skips.
run_counted scripts/test-images.sh

echo
# The failed tests and manifest checks by name, last, so that the tail of a CI log says which ones.
grep -ho '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$results"/*.trx 2>/dev/null \
  | sed -n 's/.*testName="\([^"]*\)".*/FAILED: \1/p' | sort -u || true
[ -n "$c_failures" ] && printf '%s' "$c_failures"
[ -n "$n_failures" ] && printf '%s' "$n_failures"
echo "$((dn_passed + c_passed + n_passed)) passed, $((dn_failed + c_failed + n_failed)) failed, $((dn_skipped + c_skipped + n_skipped)) skipped"
[ "$rc" -eq 0 ] && [ "$c_failed" -eq 0 ] && [ "$n_failed" -eq 0 ]
