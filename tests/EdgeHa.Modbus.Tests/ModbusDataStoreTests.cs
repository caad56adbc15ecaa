namespace EdgeHa.Modbus.Tests;

public sealed class ModbusDataStoreTests
{
    [Fact]
    public void AddUnit_Twice_ReturnsSameUnit()
    {
        var store = new ModbusDataStore();

        Assert.Same(store.AddUnit(3), store.AddUnit(3));
        Assert.True(store.TryGetUnit(3, out var unit));
        Assert.Equal(3, unit.UnitId);
        Assert.False(store.TryGetUnit(4, out _));
    }

    [Fact]
    public void Units_SeveralUnits_AreInUnitIdOrder()
    {
        var store = new ModbusDataStore();
        store.AddUnit(9);
        store.AddUnit(2);
        store.AddUnit(5);

        Assert.Equal(new byte[] { 2, 5, 9 }, store.Units.Select(u => u.UnitId));
        Assert.True(store.RemoveUnit(5));
        Assert.Equal(2, store.Units.Count);
    }

    [Fact]
    public void CreateFlat_MapsAllFourTables()
    {
        var store = ModbusDataStore.CreateFlat(7, 100);

        Assert.True(store.TryGetUnit(7, out var unit));
        foreach (var table in Enum.GetValues<ModbusTable>())
        {
            Assert.Equal([new ModbusAddressRange(0, 100)], unit.GetRanges(table));
        }
    }
}
