using EdgeHa.Modbus;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.ModbusSimulator.Tests;

public class SimulatorDeviceTests
{
    private static ushort Input(SimulatorDevice device, int address)
    {
        device.Refresh(1, ModbusTable.InputRegisters, address, 1);
        Assert.True(device.Store.TryGetUnit(1, out var unit));
        return unit.GetRegister(ModbusTable.InputRegisters, address);
    }

    [Fact]
    public void Refresh_DefaultMapSequence_CountsEvery100MsInVirtualTime()
    {
        var time = new FakeTimeProvider();
        var device = new SimulatorDevice(SimulatorMap.Default, time);

        Assert.Equal(0, Input(device, 0));
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0, Input(device, 0));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Input(device, 0));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(101, Input(device, 0));
    }

    [Fact]
    public void Refresh_DefaultMapSequence_WrapsAt65535()
    {
        var time = new FakeTimeProvider();
        var device = new SimulatorDevice(SimulatorMap.Default, time);

        time.Advance(TimeSpan.FromMilliseconds(100 * 65535));
        Assert.Equal(65535, Input(device, 0));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, Input(device, 0));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, Input(device, 0));
    }

    [Fact]
    public void Refresh_DefaultMapUptime_IsUInt32SecondsHighWordFirst()
    {
        var time = new FakeTimeProvider();
        var device = new SimulatorDevice(SimulatorMap.Default, time);

        time.Advance(TimeSpan.FromSeconds(70000.5));

        Assert.Equal(70000u, ModbusValues.GetUInt32([Input(device, 1), Input(device, 2)]));
    }

    [Fact]
    public void Constructor_ConstantValues_AreWrittenOnce()
    {
        var map = MapLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "samples", "simulator-map.yaml"));
        var device = new SimulatorDevice(map, new FakeTimeProvider());
        Assert.True(device.Store.TryGetUnit(1, out var unit));

        Assert.Equal(unchecked((ushort)-40), unit.GetRegister(ModbusTable.HoldingRegisters, 0));
        var limit = new ushort[2];
        unit.TryReadRegisters(ModbusTable.HoldingRegisters, 2, limit);
        Assert.Equal(70000u, ModbusValues.GetUInt32(limit, WordOrder.LittleEndian));
        Assert.Equal(0x4544, unit.GetRegister(ModbusTable.HoldingRegisters, 1000)); // "ED"
        Assert.True(unit.GetBit(ModbusTable.Coils, 0));
        Assert.True(unit.GetBit(ModbusTable.DiscreteInputs, 5));
        Assert.False(unit.GetBit(ModbusTable.DiscreteInputs, 4));
    }

    [Fact]
    public void IsGenerated_GeneratedAndConstantAddresses_AreTellApart()
    {
        var device = new SimulatorDevice(SimulatorMap.Default, new FakeTimeProvider());

        Assert.True(device.IsGenerated(1, ModbusTable.InputRegisters, 2, 1));
        Assert.False(device.IsGenerated(1, ModbusTable.InputRegisters, 8, 10));
        Assert.False(device.IsGenerated(1, ModbusTable.HoldingRegisters, 0, 10));
    }
}
