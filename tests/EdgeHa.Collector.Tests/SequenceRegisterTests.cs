using EdgeHa.Modbus;

namespace EdgeHa.Collector.Tests;

public class SequenceRegisterTests
{
    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(0, 0, false)]
    [InlineData(0, 1, false)]
    [InlineData(0, 65535, true)]
    [InlineData(2, 65534, true)]
    [InlineData(65534, 2, false)]
    [InlineData(32767, 0, true)]
    [InlineData(32768, 0, false)]
    public void IsAfter_OnTheSixteenBitRing_HandlesWrap(int candidate, int reference, bool expected) =>
        Assert.Equal(expected, SequenceRegister.IsAfter(candidate, reference));

    [Fact]
    public void TryParse_RegisterTable_Parses()
    {
        Assert.True(SequenceRegister.TryParse("input:0", out var register, out _));
        Assert.Equal(new SequenceRegister(ModbusTable.InputRegisters, 0), register);
    }

    [Theory]
    [InlineData("coil:0", "the sequence must be in a register table (holding or input), not 'coil'")]
    [InlineData("input", "'input' is not TABLE:ADDRESS (e.g. input:0)")]
    [InlineData("holding:x", "address 'x' in 'holding:x' is not 0..65535")]
    public void TryParse_Invalid_ExplainsWhy(string text, string expected)
    {
        Assert.False(SequenceRegister.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }
}
