#!/usr/bin/env bash
# Builds and runs the Modbus benchmark: our server and client against libmodbus (C) and pymodbus peers over
# loopback. Needs gcc, pkg-config, libmodbus-dev (else it prints a SKIP line and exits 3) and (optionally)
# python3-pymodbus. Prints a table with ratios.
# Usage: bench/modbus/run.sh [SECONDS_PER_POINT]   (default 2; the whole run takes about 80 s)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-2}"
out="${here}/bin"
mkdir -p "$out"

# Exit status 3: skipped for a missing peer (bench/run-all.sh says so in its table).
if ! command -v gcc >/dev/null 2>&1 || ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libmodbus; then
  echo "SKIP: Modbus benchmark not run (every Modbus figure: our server and client against libmodbus and pymodbus):" \
    "libmodbus-dev, gcc or pkg-config is missing; enable with: apt-get install -y libmodbus-dev gcc pkg-config"
  exit 3
fi
read -ra cflags <<<"$(pkg-config --cflags libmodbus)"
read -ra libs <<<"$(pkg-config --libs libmodbus)"
gcc -O2 -Wall -Wextra -o "$out/lmb_server" "$here/c/lmb_server.c" "${cflags[@]}" "${libs[@]}"
gcc -O2 -Wall -Wextra -pthread -o "$out/lmb_client" "$here/c/lmb_client.c" "${cflags[@]}" "${libs[@]}"
echo "libmodbus $(pkg-config --modversion libmodbus), $(dotnet --version | sed 's/^/dotnet /')"

dotnet build "$here/EdgeHa.Modbus.Bench/EdgeHa.Modbus.Bench.csproj" -c Release --nologo -v q -o "$out/dotnet" >/dev/null
dotnet "$out/dotnet/EdgeHa.Modbus.Bench.dll" run --bin "$out" --python /usr/bin/python3 --script-dir "$here" --seconds "$seconds"
