using EdgeHa.Collector;
using EdgeHa.Modbus;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// The Modbus device as one node's collector reads it: input register 0 is a 16-bit sequence counter that advances
/// every <see cref="Period"/> of virtual time (sample n is produced at n periods, wrapping 65535 to 0), the same
/// counter for both nodes. The link to it can be down (reads fail like a lost TCP connection). Every read records
/// which sample it saw, so the consumer side can tell samples apart across wraps and restarts.
/// </summary>
internal sealed class SimDevice(TimeProvider world, DateTimeOffset start, int firstSequence, Func<bool> linkDown) : IDeviceReader
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    /// <summary>The sample number (0, 1, 2, ...) of the value the last successful read returned.</summary>
    public long LastIndex { get; private set; } = -1;

    /// <summary>The device sample readable <paramref name="elapsed"/> into the run: sample n is produced at n periods.</summary>
    public static long IndexAt(TimeSpan elapsed) => elapsed.Ticks / Period.Ticks;

    public Task<ushort[]> ReadRegistersAsync(ModbusTable table, int address, int count, CancellationToken cancellationToken)
    {
        if (linkDown())
        {
            return Task.FromException<ushort[]>(new IOException("the device does not answer"));
        }

        LastIndex = IndexAt(world.GetUtcNow() - start);
        var registers = new ushort[count];
        registers[0] = (ushort)((firstSequence + LastIndex) & 0xFFFF);
        return Task.FromResult(registers);
    }

    public Task<bool[]> ReadBitsAsync(ModbusTable table, int address, int count, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the simulated device has registers only");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
