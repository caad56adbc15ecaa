"""pymodbus (3.x) as a client of our server, for the interop tests.

Usage: python3 pymodbus_client.py PORT
Runs a fixed scenario against unit 1 and prints one JSON object with what it read. The test prepares the store:
holding registers 0..2 = 11, 22, 33; input registers 0..1 = 1234, 5678; discrete inputs 0..2 = 1, 0, 1.
"""
import json
import sys

from pymodbus.client import ModbusTcpClient


def main(port: int) -> int:
    client = ModbusTcpClient("127.0.0.1", port=port, timeout=5)
    if not client.connect():
        print(json.dumps({"error": "connect failed"}))
        return 1
    out = {}
    out["holding"] = client.read_holding_registers(0, 3, slave=1).registers
    out["input"] = client.read_input_registers(0, 2, slave=1).registers
    out["discrete"] = [bool(b) for b in client.read_discrete_inputs(0, 3, slave=1).bits[:3]]
    client.write_register(10, 4321, slave=1)
    client.write_registers(20, [1, 2, 3, 65535], slave=1)
    client.write_coil(5, True, slave=1)
    client.write_coils(8, [True, False, True, True], slave=1)
    out["coils"] = [bool(b) for b in client.read_coils(5, 7, slave=1).bits[:7]]
    out["written"] = client.read_holding_registers(20, 4, slave=1).registers
    rw = client.readwrite_registers(read_address=10, read_count=2, write_address=11, write_registers=[99], slave=1)
    out["readwrite"] = rw.registers
    out["max_read"] = len(client.read_holding_registers(0, 125, slave=1).registers)
    error = client.read_holding_registers(9999, 2, slave=1)
    out["exception"] = error.exception_code if error.isError() else None
    error = client.read_holding_registers(0, 1, slave=7)
    out["unknown_unit"] = error.exception_code if error.isError() else None
    client.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
