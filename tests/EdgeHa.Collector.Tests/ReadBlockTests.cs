using EdgeHa.Modbus;

namespace EdgeHa.Collector.Tests;

public class ReadBlockTests
{
    [Theory]
    [InlineData("holding:0:10", ModbusTable.HoldingRegisters, 0, 10)]
    [InlineData("input:65535:1", ModbusTable.InputRegisters, 65535, 1)]
    [InlineData("coil:5:2000", ModbusTable.Coils, 5, 2000)]
    [InlineData("discrete:1:1", ModbusTable.DiscreteInputs, 1, 1)]
    public void TryParse_ValidText_ParsesAndRoundTrips(string text, ModbusTable table, int address, int count)
    {
        Assert.True(ReadBlock.TryParse(text, out var block, out _));

        Assert.Equal(new ReadBlock(table, address, count), block);
        Assert.Equal(text, block.ToString());
    }

    [Theory]
    [InlineData("holding:0", "'holding:0' is not TABLE:ADDRESS:COUNT (e.g. holding:0:10)")]
    [InlineData("register:0:1", "unknown table 'register' in 'register:0:1' (expected coil, discrete, holding or input)")]
    [InlineData("holding:-1:1", "address '-1' in 'holding:-1:1' is not 0..65535")]
    [InlineData("holding:0:126", "count '126' in 'holding:0:126' is not 1..125")]
    [InlineData("coil:0:2001", "count '2001' in 'coil:0:2001' is not 1..2000")]
    [InlineData("input:65535:2", "'input:65535:2' goes past address 65535")]
    public void TryParse_InvalidText_ExplainsWhy(string text, string expected)
    {
        Assert.False(ReadBlock.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }
}
