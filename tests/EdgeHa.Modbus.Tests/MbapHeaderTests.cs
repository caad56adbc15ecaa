namespace EdgeHa.Modbus.Tests;

public sealed class MbapHeaderTests
{
    [Fact]
    public void Read_GoldenBytes_ParsesBigEndianFields()
    {
        var header = MbapHeader.Read(GoldenFrames.Hex("1234 0000 0006 11"));

        Assert.Equal(new MbapHeader(0x1234, 0, 6, 0x11), header);
        Assert.Equal(5, header.PduLength);
    }

    [Fact]
    public void Write_ForPdu_WritesLengthAsUnitPlusPdu()
    {
        var buffer = new byte[7];
        MbapHeader.ForPdu(0xABCD, 0xFF, 5).Write(buffer);

        Assert.Equal(GoldenFrames.Hex("ABCD 0000 0006 FF"), buffer);
    }

    [Theory]
    [InlineData(0, 2, true)]
    [InlineData(0, 254, true)]
    [InlineData(0, 1, false)]
    [InlineData(0, 0, false)]
    [InlineData(0, 255, false)]
    [InlineData(0, 0xFFFF, false)]
    [InlineData(1, 6, false)]
    [InlineData(0xFFFF, 6, false)]
    public void Validate_ProtocolAndLength_AcceptsOnlySpecRange(ushort protocol, ushort length, bool valid)
    {
        var header = new MbapHeader(1, protocol, length, 1);

        Assert.Equal(valid, header.IsValid);
        if (valid)
        {
            header.Validate();
        }
        else
        {
            Assert.Throws<ModbusProtocolException>(header.Validate);
        }
    }

    [Fact]
    public void Read_ShortBuffer_Throws() => Assert.Throws<ArgumentException>(() => MbapHeader.Read(new byte[6]));
}
