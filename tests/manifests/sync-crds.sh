#!/usr/bin/env bash
# Copies the generated CRDs (crds/, written by `make manifests`) into the Helm chart's crds/ and the kustomize
# base config/crd/bases/, which cannot reference files outside their own trees. check.sh fails when they drift.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shopt -s nullglob
crds=("$root"/crds/*.yaml)
if [ ${#crds[@]} -eq 0 ]; then
  echo "sync-crds: no CRDs in crds/ (run make manifests first)" >&2
  exit 1
fi
for dest in "$root/charts/edge-ha-operator/crds" "$root/config/crd/bases"; do
  mkdir -p "$dest"
  for f in "${crds[@]}"; do
    cp "$f" "$dest/"
  done
  echo "sync-crds: ${#crds[@]} CRD(s) -> ${dest#"$root"/}"
done
