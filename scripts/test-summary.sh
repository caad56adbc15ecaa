#!/usr/bin/env bash
# Sums the TRX files of one `dotnet test` run into the closing line CI reads: "N passed, N failed".
set -euo pipefail
dir=${1:-TestResults}
passed=0; failed=0; skipped=0
shopt -s nullglob
for f in "$dir"/*.trx; do
  line=$(grep -o '<Counters [^>]*>' "$f" | head -n 1) || continue
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line")
  fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
  nx=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0})); skipped=$((skipped + ${nx:-0}))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
