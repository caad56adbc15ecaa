using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator.Tests;

public class PointEncoderTests
{
    private static PointDefinition Point(PointType type, WordOrder order = WordOrder.BigEndian) => new()
    {
        Table = ModbusTable.HoldingRegisters,
        Address = 0,
        Type = type,
        WordOrder = order,
        Length = type is PointType.Int32 or PointType.UInt32 or PointType.Float32 ? 2 : 1,
    };

    private static ushort[] Encode(PointType type, double value, bool wrap, WordOrder order = WordOrder.BigEndian)
    {
        var point = Point(type, order);
        var registers = new ushort[point.Length];
        PointEncoder.Encode(point, value, wrap, registers);
        return registers;
    }

    [Theory]
    [InlineData(65535, 65535)]
    [InlineData(65536, 0)]
    [InlineData(65537, 1)]
    [InlineData(-1, 65535)]
    public void Encode_WrappingUInt16_WrapsAt65535(double value, int expected) =>
        Assert.Equal([(ushort)expected], Encode(PointType.UInt16, value, wrap: true));

    [Theory]
    [InlineData(70000, 65535)]
    [InlineData(-5, 0)]
    [InlineData(12.5, 13)]
    public void Encode_SaturatingUInt16_ClampsAndRounds(double value, int expected) =>
        Assert.Equal([(ushort)expected], Encode(PointType.UInt16, value, wrap: false));

    [Theory]
    [InlineData(32768, true, -32768)]
    [InlineData(32768, false, 32767)]
    [InlineData(-40, false, -40)]
    public void Encode_Int16_IsTwosComplement(double value, bool wrap, short expected) =>
        Assert.Equal([unchecked((ushort)expected)], Encode(PointType.Int16, value, wrap));

    [Fact]
    public void Encode_UInt32_HonoursWordOrder()
    {
        Assert.Equal([(ushort)0x0001, (ushort)0x1170], Encode(PointType.UInt32, 70000, false));
        Assert.Equal([(ushort)0x1170, (ushort)0x0001], Encode(PointType.UInt32, 70000, false, WordOrder.LittleEndian));
    }

    [Fact]
    public void Encode_Int32Wrapping_WrapsPastMaxValue() =>
        Assert.Equal([(ushort)0x8000, (ushort)0x0000], Encode(PointType.Int32, 2147483648d, true));

    [Fact]
    public void Encode_Float32_IsIeeeSingleInWordOrder()
    {
        Assert.Equal([(ushort)0x3FA0, (ushort)0x0000], Encode(PointType.Float32, 1.25, false));
        Assert.Equal([(ushort)0x0000, (ushort)0x3FA0], Encode(PointType.Float32, 1.25, false, WordOrder.LittleEndian));
    }

    [Fact]
    public void EncodeText_PacksHighByteFirstAndPadsWithNul()
    {
        var registers = new ushort[3];

        PointEncoder.EncodeText("ABC", registers);

        Assert.Equal([(ushort)0x4142, (ushort)0x4300, (ushort)0], registers);
    }
}
