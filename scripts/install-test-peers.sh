#!/usr/bin/env bash
# Installs the Debian packages the tests use (interop peers, linters, Node.js) that are missing: as root with
# apt-get it installs them quietly (apt-get update once, only when something is missing); otherwise it prints what
# is missing and the apt-get command. Installed packages are left alone, so a second run does nothing.
# Usage: scripts/install-test-peers.sh [--check] [PACKAGE...]
#   --check     only report what is missing, install nothing
#   PACKAGE...  consider only these (default: every peer below)
set -euo pipefail

report_only=false
if [ "${1:-}" = "--check" ]; then
  report_only=true
  shift
fi
peers=(mbpoll python3 python3-pymodbus libmodbus-dev gcc pkg-config yamllint shellcheck jq procps util-linux mosquitto mosquitto-clients iproute2 iptables curl keepalived)
if [ $# -gt 0 ]; then
  peers=("$@")
else
  # Node.js from Debian only where none is installed: a node from elsewhere (NodeSource's nodejs bundles npm and
  # conflicts with Debian's npm package) is kept as it is.
  if ! command -v node >/dev/null 2>&1; then
    peers+=(nodejs npm)
  fi
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-test-peers: not a Debian system; install the equivalents of: ${peers[*]}"
  exit 0
fi
# The package, not the command: the interop tests run /usr/bin/python3 with python3-pymodbus.
missing=()
for p in "${peers[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-peers: all ${#peers[@]} test peers installed"
  exit 0
fi

command_line="apt-get install -y --no-install-recommends ${missing[*]}"
if "$report_only" || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-peers: missing ${missing[*]} (the tests that need them are skipped); install with:"
  echo "  sudo apt-get update && sudo $command_line"
  exit 0
fi
echo "install-test-peers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
