namespace EdgeHa.Modbus.Tests;

public sealed class ModbusValuesTests
{
    [Theory]
    [InlineData(WordOrder.BigEndian, 0x1234, 0x5678)]
    [InlineData(WordOrder.LittleEndian, 0x5678, 0x1234)]
    public void FromUInt32_WordOrder_PlacesHighWordAsSpecified(WordOrder order, int first, int second)
    {
        Assert.Equal(new[] { (ushort)first, (ushort)second }, ModbusValues.FromUInt32(0x12345678, order));
        Assert.Equal(0x12345678u, ModbusValues.GetUInt32([(ushort)first, (ushort)second], order));
    }

    [Theory]
    [InlineData(WordOrder.BigEndian, -2, 0xFFFF, 0xFFFE)]
    [InlineData(WordOrder.LittleEndian, -2, 0xFFFE, 0xFFFF)]
    [InlineData(WordOrder.BigEndian, int.MinValue, 0x8000, 0x0000)]
    [InlineData(WordOrder.LittleEndian, 65536, 0x0000, 0x0001)]
    public void FromInt32_Golden_RoundTrips(WordOrder order, int value, int first, int second)
    {
        Assert.Equal(new[] { (ushort)first, (ushort)second }, ModbusValues.FromInt32(value, order));
        Assert.Equal(value, ModbusValues.GetInt32([(ushort)first, (ushort)second], order));
    }

    [Theory]
    [InlineData(WordOrder.BigEndian, 1.0f, 0x3F80, 0x0000)]
    [InlineData(WordOrder.LittleEndian, 1.0f, 0x0000, 0x3F80)]
    [InlineData(WordOrder.BigEndian, -123.456f, 0xC2F6, 0xE979)]
    [InlineData(WordOrder.LittleEndian, -123.456f, 0xE979, 0xC2F6)]
    public void FromSingle_Golden_RoundTrips(WordOrder order, float value, int first, int second)
    {
        Assert.Equal(new[] { (ushort)first, (ushort)second }, ModbusValues.FromSingle(value, order));
        Assert.Equal(value, ModbusValues.GetSingle([(ushort)first, (ushort)second], order));
    }

    [Fact]
    public void SetInt32_IntoLargerSpan_WritesOnlyTwoRegisters()
    {
        var registers = new ushort[] { 9, 9, 9, 9 };
        ModbusValues.SetInt32(registers.AsSpan(1), 0x00010002);

        Assert.Equal(new ushort[] { 9, 1, 2, 9 }, registers);
    }

    [Fact]
    public void GetSingle_NaN_RoundTripsBits()
    {
        var registers = ModbusValues.FromSingle(float.NaN, WordOrder.LittleEndian);

        Assert.True(float.IsNaN(ModbusValues.GetSingle(registers, WordOrder.LittleEndian)));
    }

    [Fact]
    public void GetUInt32_OneRegister_Throws()
    {
        Assert.Throws<ArgumentException>(() => ModbusValues.GetUInt32([1]));
        Assert.Throws<ArgumentException>(() => ModbusValues.SetUInt32(new ushort[1], 1));
    }
}
