using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace EdgeHa.Modbus.Bench;

internal static class Modes
{
    public static async Task<int> ServeAsync(int port)
    {
        var store = ModbusDataStore.CreateFlat(1, 10000);
        var unit = store.Units[0];
        for (var i = 0; i < 10000; i++)
        {
            unit.SetRegister(ModbusTable.HoldingRegisters, i, (ushort)i);
        }

        await using var server = new ModbusTcpServer(
            new DataStoreRequestHandler(store),
            new ModbusServerOptions { Address = IPAddress.Loopback, Port = port, MaxConnections = 256 });
        await server.StartAsync();
        Console.WriteLine($"ready {server.LocalEndPoint.Port}");
        var done = new TaskCompletionSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            done.TrySetResult();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            done.TrySetResult();
        });
        await done.Task;
        await server.StopAsync();
        return 0;
    }

    /// <summary>Closed-loop reads of 10 holding registers for a warm-up second, then measured for <paramref name="seconds"/>.</summary>
    public static async Task<int> RoundTripAsync(string host, int port, double seconds)
    {
        await using var client = new ModbusTcpClient(new ModbusClientOptions { Host = host, Port = port, RequestTimeout = TimeSpan.FromSeconds(2) });
        await client.ConnectAsync();
        var warmUpEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < warmUpEnd)
        {
            await client.ReadHoldingRegistersAsync(1, 0, 10);
        }

        var samples = new List<double>(1 << 20);
        var errors = 0;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(seconds * Stopwatch.Frequency);
        var t = start;
        while (t < end)
        {
            try
            {
                await client.ReadHoldingRegistersAsync(1, 0, 10);
            }
            catch (Exception ex) when (ex is ModbusException or TimeoutException or IOException)
            {
                errors++;
            }

            var after = Stopwatch.GetTimestamp();
            samples.Add((after - t) * 1e6 / Stopwatch.Frequency);
            t = after;
        }

        var elapsed = (t - start) / (double)Stopwatch.Frequency;
        samples.Sort();
        var p50 = samples.Count > 0 ? samples[samples.Count / 2] : 0;
        var p99 = samples.Count > 0 ? samples[(int)(samples.Count * 0.99)] : 0;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"requests={samples.Count - errors} seconds={elapsed:F3} rps={(samples.Count - errors) / elapsed:F0} p50_us={p50:F1} p99_us={p99:F1} errors={errors}"));
        return 0;
    }
}
