using System.Net;
using EdgeHa.Modbus;
using EdgeHa.ModbusSimulator;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Collector.Tests;

/// <summary>The collector's Modbus face: the active one serves what it published, a standby answers busy.</summary>
public sealed class ModbusGatewayTests : IAsyncLifetime
{
    private const string Map = """
        units:
          - unit: 1
            holdingRegisters: [{ start: 0, count: 10 }]
            coils: [{ start: 0, count: 8 }]
            values:
              - { table: holding, address: 3, type: uint16, value: 4242 }
              - { table: coil, address: 2, value: true }
        """;

    private SimulatorHost _device = null!;
    private CollectorHost _collector = null!;
    private ManualRoleSource _roles = null!;
    private ModbusTcpClient _client = null!;

    public async Task InitializeAsync()
    {
        _device = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Map = MapLoader.Parse(Map, "test map"),
            BindAddress = IPAddress.Loopback,
            ModbusPort = 0,
            HttpPort = null,
            MinimumLogLevel = LogLevel.Warning,
        });
        var options = new CollectorOptions
        {
            DeviceHost = "127.0.0.1",
            DevicePort = _device.ModbusEndPoint.Port,
            HttpPort = 0,
            HttpBindAddress = IPAddress.Loopback,
            Interval = TimeSpan.FromMilliseconds(50),
            RequestTimeout = TimeSpan.FromSeconds(5),
            ModbusGatewayPort = 0,
            MinimumLogLevel = LogLevel.Warning,
        };
        options.Reads.Add(new ReadBlock(ModbusTable.HoldingRegisters, 0, 10));
        options.Reads.Add(new ReadBlock(ModbusTable.Coils, 0, 8));
        _roles = new ManualRoleSource(CollectorRole.Active);
        _collector = await CollectorHost.StartAsync(options, _roles);
        _client = new ModbusTcpClient(new ModbusClientOptions { Host = "127.0.0.1", Port = _collector.ModbusGatewayEndPoint!.Port, RequestTimeout = TimeSpan.FromSeconds(5) });
        await WaitUntil(() => _collector.Engine.LastPublished is not null);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _collector.DisposeAsync();
        await _device.DisposeAsync();
    }

    [Fact]
    public async Task Read_Active_ServesThePublishedValues()
    {
        var registers = await _client.ReadHoldingRegistersAsync(1, 0, 10);
        var coils = await _client.ReadCoilsAsync(1, 0, 8);

        Assert.Equal(4242, registers[3]);
        Assert.True(coils[2]);
        Assert.False(coils[1]);
    }

    [Fact]
    public async Task Read_OutsideThePolledBlocks_AnswersIllegalDataAddress()
    {
        var e = await Assert.ThrowsAsync<ModbusException>(() => _client.ReadHoldingRegistersAsync(1, 8, 5));

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, e.ExceptionCode);
    }

    [Fact]
    public async Task Read_Standby_AnswersServerBusy()
    {
        _roles.SetRole(CollectorRole.Standby);

        var e = await Assert.ThrowsAsync<ModbusException>(() => _client.ReadHoldingRegistersAsync(1, 0, 1));

        Assert.Equal(ModbusExceptionCode.ServerDeviceBusy, e.ExceptionCode);
    }

    [Fact]
    public async Task Write_Any_IsRefusedAsIllegalFunction()
    {
        var e = await Assert.ThrowsAsync<ModbusException>(() => _client.WriteSingleRegisterAsync(1, 0, 7));

        Assert.Equal(ModbusExceptionCode.IllegalFunction, e.ExceptionCode);
    }

    [Fact]
    public async Task Read_OtherUnit_AnswersGatewayTargetFailed()
    {
        var e = await Assert.ThrowsAsync<ModbusException>(() => _client.ReadHoldingRegistersAsync(9, 0, 1));

        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, e.ExceptionCode);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 20 s");
            await Task.Delay(20);
        }
    }
}
