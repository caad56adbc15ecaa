"""A pymodbus (3.x) TCP server for the Modbus benchmark: unit 1, 10000 of each table, addresses from 0.

Usage: python3 pymodbus_server.py PORT
"""
import asyncio
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncTcpServer


async def main(port: int) -> None:
    logging.getLogger("pymodbus").setLevel(logging.ERROR)
    slave = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [False] * 10000),
        co=ModbusSequentialDataBlock(0, [False] * 10000),
        hr=ModbusSequentialDataBlock(0, list(range(10000))),
        ir=ModbusSequentialDataBlock(0, list(range(10000))),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={1: slave}, single=False)
    server = await StartAsyncTcpServer(context=context, address=("127.0.0.1", port), defer_start=True)
    print(f"ready {port}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
