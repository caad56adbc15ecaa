#!/usr/bin/env bash
# Builds and runs the failover benchmark on the sandbox: switch latency over 20 failovers of one hot-standby pair,
# then the operator (its own process) with 10, 100, 300 and 1,000 pairs (the cost curve): time to place, memory, idle CPU, reconcile throughput and
# switch latency under that load. Everything runs on this machine (loopback); no cluster needed.
# Usage: bench/failover/run.sh [extra flags of EdgeHa.Failover.Bench, e.g. --pairs 200 --phase switch]
# The whole run takes about 6 minutes on 2 cores and is bounded by --budget-seconds (default 600).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${here}/bin"
mkdir -p "$out"

dotnet build "$root/src/EdgeHa.Operator/EdgeHa.Operator.csproj" -c Release --nologo -v q -o "$out/operator" >/dev/null
dotnet build "$here/EdgeHa.Failover.Bench/EdgeHa.Failover.Bench.csproj" -c Release --nologo -v q -o "$out/dotnet" >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/edgeha-failover-bench.XXXXXX")"
echo "dotnet $(dotnet --version), $(nproc) cores; work directory $work (operator logs)"
exec timeout --kill-after=10 720 dotnet "$out/dotnet/EdgeHa.Failover.Bench.dll" --operator-dll "$out/operator/EdgeHa.Operator.dll" --work "$work" "$@"
