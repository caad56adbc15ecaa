#!/usr/bin/env bash
# The data gap of a rolling collector upgrade, measured by the demo on the sandbox: for the hot and the cold pair, the
# planned switchover to the upgraded standby, read through the VIP (lost and repeated sequence numbers, how long the
# VIP was silent). Prints the demo's output and "ROW" lines for bench/run-all.sh's table.
# Usage: bench/upgrade/run.sh   (about 2 minutes on 2 cores)
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
EDGEHA_DEMO_BENCH_ROWS=1 "$root/scripts/demo.sh" run --mode both
