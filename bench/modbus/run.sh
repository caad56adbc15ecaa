#!/usr/bin/env bash
# Builds and runs the Modbus benchmark: our server and client against libmodbus (C) and pymodbus peers over
# loopback. Needs gcc, pkg-config, libmodbus-dev and (optionally) python3-pymodbus. Prints a table with ratios.
# Usage: bench/modbus/run.sh [SECONDS_PER_POINT]   (default 2; the whole run takes about 80 s)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-2}"
out="${here}/bin"
mkdir -p "$out"

if ! pkg-config --exists libmodbus; then
  echo "libmodbus-dev is missing: apt-get install -y libmodbus-dev gcc pkg-config" >&2
  exit 1
fi
cflags="$(pkg-config --cflags libmodbus)"
libs="$(pkg-config --libs libmodbus)"
gcc -O2 -Wall -Wextra -o "$out/lmb_server" "$here/c/lmb_server.c" $cflags $libs
gcc -O2 -Wall -Wextra -pthread -o "$out/lmb_client" "$here/c/lmb_client.c" $cflags $libs
echo "libmodbus $(pkg-config --modversion libmodbus), $(dotnet --version | sed 's/^/dotnet /')"

dotnet build "$here/EdgeHa.Modbus.Bench/EdgeHa.Modbus.Bench.csproj" -c Release --nologo -v q -o "$out/dotnet" >/dev/null
dotnet "$out/dotnet/EdgeHa.Modbus.Bench.dll" run --bin "$out" --python /usr/bin/python3 --script-dir "$here" --seconds "$seconds"
