using System.Net.Sockets;

namespace EdgeHa.Modbus.Tests;

/// <summary>
/// Seeded fuzzing of <see cref="ModbusTcpServer"/> (with <see cref="DataStoreRequestHandler"/>): valid, mutated and
/// random frames in batches, one connection per batch. A failing seed is printed in the assertion message.
/// </summary>
public sealed class ModbusServerFuzzTests
{
    private const int Seed = 20261122;
    private const int Frames = 100_000;
    private const int BatchSize = 100;

    [Fact]
    public async Task Serve_100kRandomAndMutatedFrames_NeverCrashesHangsOrStopsServingOthers()
    {
        var observer = new RecordingObserver();
        var store = new ModbusDataStore();
        var unit = store.AddUnit(1);
        foreach (var table in Enum.GetValues<ModbusTable>())
        {
            unit.AddRange(table, 0, 1000).AddRange(table, 30000, 500);
        }

        await using var loop = await Loopback.StartAsync(store, observer: observer);
        await using var witness = loop.Client();
        using var stop = new CancellationTokenSource();
        var witnessReads = 0;
        var witnessLoop = Task.Run(async () =>
        {
            // Another client keeps being served throughout. Fuzzed writes may change the values, so check the shape.
            while (!stop.IsCancellationRequested)
            {
                var values = await witness.ReadInputRegistersAsync(1, 990, 10);
                Assert.Equal(10, values.Length);
                Interlocked.Increment(ref witnessReads);
                await Task.Delay(2);
            }
        });

        // Each batch is 99 frames that keep MBAP framing intact (valid, PDU-mutated, random PDUs: each must be
        // answered) and one last frame of any kind (garbage, a broken header, a truncated frame), on one connection.
        var random = new Random(Seed);
        var sent = 0;
        var mustAnswer = 0;
        var answers = 0;
        var batch = 0;
        while (sent < Frames)
        {
            var bytes = new List<byte>();
            for (var i = 0; i < BatchSize - 1; i++, sent++, mustAnswer++)
            {
                bytes.AddRange(NextFrame(random, framingSafe: true));
            }

            bytes.AddRange(NextFrame(random, framingSafe: false));
            sent++;
            answers += await SendBatchAsync(loop, bytes.ToArray(), Seed, batch++);
        }

        await stop.CancelAsync();
        await witnessLoop.WaitAsync(Loopback.Timeout);

        Assert.True(witnessReads > 0, $"seed {Seed}: the witness client was never served");
        // Every framing-safe frame is answered, unless a reset after the batch's bad last frame cut some answers off.
        Assert.True(answers >= mustAnswer * 0.95, $"seed {Seed}: only {answers} answers to {mustAnswer} well-framed requests");
        Assert.Contains(ModbusConnectionCloseReason.ProtocolError, observer.Closed);
        await RecordingObserver.EventuallyAsync(() => loop.Server.ActiveConnections == 1, $"seed {Seed}: only the witness connection remains");
        unit.SetRegister(ModbusTable.HoldingRegisters, 30499, 4242);
        Assert.Equal(new ushort[] { 4242 }, await witness.ReadHoldingRegistersAsync(1, 30499, 1));
    }

    /// <summary>Sends one batch, closes the send side, and parses every answer until the server closes.</summary>
    private static async Task<int> SendBatchAsync(Loopback loop, byte[] bytes, int seed, int batch)
    {
        using var socket = await loop.RawAsync();
        using var cts = new CancellationTokenSource(Loopback.Timeout);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, cts.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server closed on a framing error before the whole batch was written: expected.
        }

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // Reset after a framing error: the answers read so far still count.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"seed {seed} batch {batch}: the server neither answered nor closed within {Loopback.Timeout}");
        }

        // Every byte the server sent must be a well-formed answer frame.
        received.Position = 0;
        var reader = new ModbusFrameReader(received);
        var count = 0;
        try
        {
            while (await reader.ReadFrameAsync() is { } frame)
            {
                Assert.InRange(frame.Pdu.Length, 2, ModbusLimits.MaxPduLength);
                count++;
            }
        }
        catch (EndOfStreamException)
        {
            // A reset can cut the last answer short; the frames before it were whole.
        }

        return count;
    }

    private static byte[] NextFrame(Random random, bool framingSafe)
    {
        var kind = framingSafe ? random.Next(10, 90) : random.Next(100);
        if (kind < 10)
        {
            // Pure garbage of random length.
            var garbage = new byte[random.Next(1, 40)];
            random.NextBytes(garbage);
            return garbage;
        }

        var frame = ModbusFrameWriter.ToArray((ushort)random.Next(65536), (byte)(random.Next(4) == 0 ? random.Next(256) : 1), RandomRequest(random));
        if (kind < 50)
        {
            return frame; // valid request
        }

        if (kind < 80)
        {
            // Mutate the PDU only: framing stays intact, so the server must answer (exception or normal).
            var pduBytes = frame.AsSpan(7);
            var flips = random.Next(1, 4);
            for (var i = 0; i < flips; i++)
            {
                pduBytes[random.Next(pduBytes.Length)] = (byte)random.Next(256);
            }

            return frame;
        }

        if (kind < 90)
        {
            // Random PDU bytes of a random legal length behind a valid header.
            var pdu = new byte[random.Next(1, ModbusLimits.MaxPduLength + 1)];
            random.NextBytes(pdu);
            return [.. MbapBytes((ushort)random.Next(65536), (ushort)(pdu.Length + 1), 1), .. pdu];
        }

        // Mutate anywhere, header included (may break framing: then the connection must close).
        var mutated = frame.ToArray();
        mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
        return random.Next(4) == 0 ? mutated[..random.Next(1, mutated.Length)] : mutated;
    }

    private static byte[] MbapBytes(ushort transactionId, ushort length, byte unit)
    {
        var header = new byte[7];
        new MbapHeader(transactionId, 0, length, unit).Write(header);
        return header;
    }

    private static ModbusRequestPdu RandomRequest(Random random)
    {
        // Addresses cluster around the map's edges so both 02 and normal answers are common.
        ushort Address() => (ushort)(random.Next(3) switch
        {
            0 => random.Next(0, 1100),
            1 => random.Next(29900, 30600),
            _ => random.Next(65536),
        });

        int Count(int max) => random.Next(4) == 0 ? max : random.Next(1, max + 1);

        return random.Next(9) switch
        {
            0 => new ReadCoilsRequest(Address(), Count(ModbusLimits.MaxReadBits)),
            1 => new ReadDiscreteInputsRequest(Address(), Count(ModbusLimits.MaxReadBits)),
            2 => new ReadHoldingRegistersRequest(Address(), Count(ModbusLimits.MaxReadRegisters)),
            3 => new ReadInputRegistersRequest(Address(), Count(ModbusLimits.MaxReadRegisters)),
            4 => new WriteSingleCoilRequest(Address(), random.Next(2) == 0),
            5 => new WriteSingleRegisterRequest(Address(), (ushort)random.Next(65536)),
            6 => new WriteMultipleCoilsRequest(Address(), Enumerable.Range(0, Count(ModbusLimits.MaxWriteBits)).Select(_ => random.Next(2) == 0).ToArray()),
            7 => new WriteMultipleRegistersRequest(Address(), Enumerable.Range(0, Count(ModbusLimits.MaxWriteRegisters)).Select(_ => (ushort)random.Next(65536)).ToArray()),
            _ => new ReadWriteMultipleRegistersRequest(Address(), Count(ModbusLimits.MaxReadRegisters), Address(), Enumerable.Range(0, Count(ModbusLimits.MaxReadWriteWriteRegisters)).Select(_ => (ushort)random.Next(65536)).ToArray()),
        };
    }
}
