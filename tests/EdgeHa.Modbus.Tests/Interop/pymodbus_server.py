"""pymodbus (3.x) as a server for our client, for the interop tests.

Usage: python3 pymodbus_server.py PORT
Unit 1, 1000 of each table addressed from 0 (zero_mode). Holding and input register N hold N + 1000;
discrete input N is on for odd N. Prints "ready PORT" once it listens; stops when stdin closes.
"""
import asyncio
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncTcpServer


async def main(port: int) -> None:
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    slave = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [n % 2 == 1 for n in range(1000)]),
        co=ModbusSequentialDataBlock(0, [False] * 1000),
        hr=ModbusSequentialDataBlock(0, [n + 1000 for n in range(1000)]),
        ir=ModbusSequentialDataBlock(0, [n + 1000 for n in range(1000)]),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={1: slave}, single=False)
    server = await StartAsyncTcpServer(context=context, address=("127.0.0.1", port), defer_start=True)
    serving = asyncio.ensure_future(server.serve_forever())
    await asyncio.sleep(0.2)
    print(f"ready {port}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # the test closes stdin to stop us
    serving.cancel()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
