#!/usr/bin/env bash
# Builds once, runs every test project, and prints the summed result line; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
results=TestResults
rm -rf "$results"
dotnet build EdgeHaOperator.sln -c Release --nologo -v q || exit 1
dotnet test EdgeHaOperator.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
rc=$?
scripts/test-summary.sh "$results"
exit $rc
