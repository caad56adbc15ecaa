namespace EdgeHa.Modbus.Tests;

public sealed class ModbusUnitStoreTests
{
    [Fact]
    public void TryReadRegisters_InsideAndAcrossSparseRanges_ServesOnlyMappedRuns()
    {
        var unit = new ModbusUnitStore(1).AddRange(ModbusTable.HoldingRegisters, 0, 10).AddRange(ModbusTable.HoldingRegisters, 100, 10);
        var buffer = new ushort[10];

        Assert.True(unit.TryReadRegisters(ModbusTable.HoldingRegisters, 0, buffer));
        Assert.True(unit.TryReadRegisters(ModbusTable.HoldingRegisters, 100, buffer));
        Assert.False(unit.TryReadRegisters(ModbusTable.HoldingRegisters, 1, buffer)); // runs past 9
        Assert.False(unit.TryReadRegisters(ModbusTable.HoldingRegisters, 50, buffer.AsSpan(0, 1)));
        Assert.False(unit.TryReadRegisters(ModbusTable.HoldingRegisters, 5, new ushort[100])); // spans a gap
        Assert.False(unit.TryReadRegisters(ModbusTable.InputRegisters, 0, buffer)); // other table unmapped
    }

    [Fact]
    public void AddRange_AdjacentAndOverlapping_MergesAndKeepsValues()
    {
        var unit = new ModbusUnitStore(1).AddRange(ModbusTable.HoldingRegisters, 0, 10);
        unit.SetRegister(ModbusTable.HoldingRegisters, 9, 99);
        unit.AddRange(ModbusTable.HoldingRegisters, 10, 10).AddRange(ModbusTable.HoldingRegisters, 15, 10);

        Assert.Equal([new ModbusAddressRange(0, 25)], unit.GetRanges(ModbusTable.HoldingRegisters));
        Assert.Equal(99, unit.GetRegister(ModbusTable.HoldingRegisters, 9));
        Assert.True(unit.TryReadRegisters(ModbusTable.HoldingRegisters, 5, new ushort[20]));
    }

    [Fact]
    public void TryWriteBits_ThenRead_RoundTrips()
    {
        var unit = new ModbusUnitStore(1).AddRange(ModbusTable.Coils, 65530, 6);
        bool[] values = [true, false, true, true, false, true];

        Assert.True(unit.TryWriteBits(ModbusTable.Coils, 65530, values));
        var read = new bool[6];
        Assert.True(unit.TryReadBits(ModbusTable.Coils, 65530, read));
        Assert.Equal(values, read);
        Assert.False(unit.TryWriteBits(ModbusTable.Coils, 65535, [true, true])); // past 65535
    }

    [Fact]
    public void TryWriteRegisters_Unmapped_WritesNothing()
    {
        var unit = new ModbusUnitStore(1).AddRange(ModbusTable.HoldingRegisters, 0, 4);

        Assert.False(unit.TryWriteRegisters(ModbusTable.HoldingRegisters, 2, [1, 2, 3]));
        Assert.Equal(0, unit.GetRegister(ModbusTable.HoldingRegisters, 2));
    }

    [Fact]
    public void TryWriteThenReadHoldingRegisters_UnmappedRead_WritesNothing()
    {
        var unit = new ModbusUnitStore(1).AddRange(ModbusTable.HoldingRegisters, 0, 10);

        Assert.False(unit.TryWriteThenReadHoldingRegisters(0, [7], 8, new ushort[5]));
        Assert.Equal(0, unit.GetRegister(ModbusTable.HoldingRegisters, 0));
        var read = new ushort[2];
        Assert.True(unit.TryWriteThenReadHoldingRegisters(1, [7, 8], 0, read));
        Assert.Equal(new ushort[] { 0, 7 }, read);
    }

    [Fact]
    public void GetRegister_Unmapped_ThrowsNamingTableAndAddress()
    {
        var unit = new ModbusUnitStore(1);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => unit.GetRegister(ModbusTable.InputRegisters, 42));
        Assert.Contains("42", ex.Message, StringComparison.Ordinal);
        Assert.Contains("InputRegisters", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => unit.SetBit(ModbusTable.Coils, 0, true));
    }

    [Fact]
    public void TryReadBits_RegisterTable_Throws()
    {
        var unit = new ModbusUnitStore(1).AddRange(ModbusTable.HoldingRegisters, 0, 1);

        Assert.Throws<ArgumentException>(() => unit.TryReadBits(ModbusTable.HoldingRegisters, 0, new bool[1]));
        Assert.Throws<ArgumentException>(() => unit.TryReadRegisters(ModbusTable.Coils, 0, new ushort[1]));
    }

    [Fact]
    public void AddRange_PastAddressSpace_Throws()
    {
        var unit = new ModbusUnitStore(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => unit.AddRange(ModbusTable.Coils, 65535, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => unit.AddRange(ModbusTable.Coils, 0, 0));
    }

    [Fact]
    public async Task TryWriteRegisters_ConcurrentWritersAndReaders_NeverTearsAMultiRegisterValue()
    {
        var unit = new ModbusUnitStore(1).AddRange(ModbusTable.HoldingRegisters, 0, 100);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var torn = 0;
        var writers = Enumerable.Range(1, 2).Select(w => Task.Run(() =>
        {
            var values = Enumerable.Repeat((ushort)w, 100).ToArray();
            while (!cts.IsCancellationRequested)
            {
                unit.TryWriteRegisters(ModbusTable.HoldingRegisters, 0, values);
            }
        }));
        var reader = Task.Run(() =>
        {
            var read = new ushort[100];
            while (!cts.IsCancellationRequested)
            {
                unit.TryReadRegisters(ModbusTable.HoldingRegisters, 0, read);
                if (read.Distinct().Count() != 1)
                {
                    Interlocked.Increment(ref torn);
                }
            }
        });

        await Task.WhenAll([.. writers, reader]);
        Assert.Equal(0, torn);
    }
}
