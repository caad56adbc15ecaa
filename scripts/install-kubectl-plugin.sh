#!/usr/bin/env bash
# Installs the kubectl plugin: publishes src/EdgeHa.Kubectl (framework-dependent) into an application directory and
# writes a `kubectl-edgeha` launcher into a bin directory on PATH, so `kubectl edgeha ...` works.
#
# Usage: scripts/install-kubectl-plugin.sh [--prefix APP_DIR] [--configuration CONFIG] [--no-build] [BIN_DIR]
#   BIN_DIR          where the launcher goes (default: ~/.local/bin)
#   --prefix DIR     where the published plugin goes (default: ${XDG_DATA_HOME:-~/.local/share}/edgeha/kubectl-edgeha)
#   --configuration  Release (default) or Debug
#   --no-build       publish what the last build of that configuration produced, without building
# Needs the .NET 10 SDK (dotnet on PATH) to publish, and the .NET 10 runtime to run the plugin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/src/EdgeHa.Kubectl/EdgeHa.Kubectl.csproj"
APP_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/edgeha/kubectl-edgeha"
BIN_DIR="$HOME/.local/bin"
CONFIGURATION="Release"
PUBLISH_ARGS=()

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "error: --prefix needs a directory" >&2; exit 2; }; APP_DIR="$2"; shift 2 ;;
    --configuration|-c) [ $# -ge 2 ] || { echo "error: --configuration needs a value" >&2; exit 2; }; CONFIGURATION="$2"; shift 2 ;;
    --no-build) PUBLISH_ARGS+=(--no-build); shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "error: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) BIN_DIR="$1"; shift ;;
  esac
done

DOTNET="$(command -v dotnet || true)"
[ -n "$DOTNET" ] || { echo "error: dotnet is not on PATH; install the .NET 10 SDK first" >&2; exit 1; }
# The launcher calls dotnet by its resolved path, so the plugin also runs where PATH lacks dotnet (kubectl's PATH).
DOTNET="$(readlink -f "$DOTNET")"

mkdir -p "$APP_DIR" "$BIN_DIR"
APP_DIR="$(cd "$APP_DIR" && pwd)"
BIN_DIR="$(cd "$BIN_DIR" && pwd)"

echo "Publishing kubectl-edgeha ($CONFIGURATION) to $APP_DIR"
"$DOTNET" publish "$PROJECT" -c "$CONFIGURATION" -o "$APP_DIR" --nologo -v quiet "${PUBLISH_ARGS[@]}" >/dev/null

LAUNCHER="$BIN_DIR/kubectl-edgeha"
TMP="$(mktemp "$BIN_DIR/.kubectl-edgeha.XXXXXX")"
cat >"$TMP" <<EOF
#!/bin/sh
# kubectl plugin launcher written by scripts/install-kubectl-plugin.sh; kubectl runs it for \`kubectl edgeha\`.
exec "$DOTNET" "$APP_DIR/kubectl-edgeha.dll" "\$@"
EOF
chmod 0755 "$TMP"
mv -f "$TMP" "$LAUNCHER"

echo "Installed $LAUNCHER"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) echo "note: $BIN_DIR is not on PATH; add it:  export PATH=\"$BIN_DIR:\$PATH\"" ;;
esac
echo "Try: kubectl edgeha --help"
