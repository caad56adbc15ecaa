using System.Net;
using EdgeHa.Modbus;

namespace EdgeHa.Collector;

/// <summary>
/// Serves what the collector last published as a Modbus TCP server, so a SCADA system reads the pair through its
/// virtual IP with its own Modbus driver. Only the active collector answers: reads go to the values of the newest
/// published sample (same unit id, tables and addresses as polled); a standby answers exception 06 (server busy,
/// retry later), as does an active one before its first sample. Writes are refused with exception 01: the gateway
/// never writes to the device on anyone's behalf.
/// </summary>
public sealed class ModbusGateway : ISampleView, IModbusRequestHandler, IAsyncDisposable
{
    private readonly IRoleSource _roles;
    private readonly ModbusUnitStore _unit;
    private readonly ModbusTcpServer _server;
    private volatile bool _hasData;

    public ModbusGateway(CollectorOptions options, IRoleSource roles)
    {
        ArgumentNullException.ThrowIfNull(options);
        _roles = roles ?? throw new ArgumentNullException(nameof(roles));
        var store = new ModbusDataStore();
        _unit = store.AddUnit(options.UnitId);
        foreach (var block in options.Reads)
        {
            _unit.AddRange(block.Table, block.Address, block.Count);
        }

        if (options.Sequence is { } sequence && !_unit.IsMapped(sequence.Table, sequence.Address, 1))
        {
            _unit.AddRange(sequence.Table, sequence.Address, 1);
        }

        SequenceRegister = options.Sequence;
        _server = new ModbusTcpServer(this, new ModbusServerOptions { Address = options.HttpBindAddress, Port = options.ModbusGatewayPort ?? throw new ArgumentException("no gateway port", nameof(options)) });
    }

    private SequenceRegister? SequenceRegister { get; }

    /// <summary>Where the gateway listens (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => _server.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken = default) => _server.StartAsync(cancellationToken);

    /// <summary>Makes <paramref name="sample"/> the values served.</summary>
    public void Show(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        foreach (var block in sample.Blocks)
        {
            if (block.Registers is { } registers)
            {
                _unit.TryWriteRegisters(block.Block.Table, block.Block.Address, registers.ToArray());
            }
            else if (block.Bits is { } bits)
            {
                _unit.TryWriteBits(block.Block.Table, block.Block.Address, bits.ToArray());
            }
        }

        if (SequenceRegister is { } q && sample.Sequence is int value)
        {
            _unit.SetRegister(q.Table, q.Address, (ushort)value);
        }

        _hasData = true;
    }

    public ValueTask<ModbusResponse> HandleAsync(ModbusRequest request, CancellationToken cancellationToken)
    {
        var function = request.FunctionCode;
        if (function is not (ModbusFunctionCode.ReadCoils or ModbusFunctionCode.ReadDiscreteInputs or ModbusFunctionCode.ReadHoldingRegisters or ModbusFunctionCode.ReadInputRegisters))
        {
            return ValueTask.FromResult<ModbusResponse>(ModbusResponse.Exception(function, ModbusExceptionCode.IllegalFunction));
        }

        if (_roles.Current != CollectorRole.Active || !_hasData)
        {
            return ValueTask.FromResult<ModbusResponse>(ModbusResponse.Exception(function, ModbusExceptionCode.ServerDeviceBusy));
        }

        if (request.UnitId != _unit.UnitId && request.UnitId is not (0 or 0xFF))
        {
            return ValueTask.FromResult<ModbusResponse>(ModbusResponse.Exception(function, ModbusExceptionCode.GatewayTargetFailedToRespond));
        }

        return ValueTask.FromResult(DataStoreRequestHandler.Handle(_unit, request.Pdu));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
