using EdgeHa.Modbus;

namespace EdgeHa.Collector;

/// <summary>Reads blocks from the device. The seam between the poll logic and the Modbus client (tests substitute it).</summary>
public interface IDeviceReader : IAsyncDisposable
{
    Task<ushort[]> ReadRegistersAsync(ModbusTable table, int address, int count, CancellationToken cancellationToken);

    Task<bool[]> ReadBitsAsync(ModbusTable table, int address, int count, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IDeviceReader"/> over <see cref="ModbusTcpClient"/> (which reconnects by itself).</summary>
public sealed class ModbusDeviceReader(ModbusTcpClient client, byte unitId) : IDeviceReader
{
    public static ModbusDeviceReader Create(CollectorOptions options) => new(
        new ModbusTcpClient(new ModbusClientOptions
        {
            Host = options.DeviceHost,
            Port = options.DevicePort,
            ConnectTimeout = options.ConnectTimeout,
            RequestTimeout = options.EffectiveRequestTimeout,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),

            // A device that comes back must be seen within about one poll, so back-off never exceeds the interval.
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(Math.Clamp(options.Interval.TotalMilliseconds, 50, 5000)),
        }),
        options.UnitId);

    public Task<ushort[]> ReadRegistersAsync(ModbusTable table, int address, int count, CancellationToken cancellationToken) => table switch
    {
        ModbusTable.HoldingRegisters => client.ReadHoldingRegistersAsync(unitId, (ushort)address, count, cancellationToken),
        ModbusTable.InputRegisters => client.ReadInputRegistersAsync(unitId, (ushort)address, count, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a register table"),
    };

    public Task<bool[]> ReadBitsAsync(ModbusTable table, int address, int count, CancellationToken cancellationToken) => table switch
    {
        ModbusTable.Coils => client.ReadCoilsAsync(unitId, (ushort)address, count, cancellationToken),
        ModbusTable.DiscreteInputs => client.ReadDiscreteInputsAsync(unitId, (ushort)address, count, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a bit table"),
    };

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
