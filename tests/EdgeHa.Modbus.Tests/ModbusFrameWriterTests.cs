namespace EdgeHa.Modbus.Tests;

public sealed class ModbusFrameWriterTests
{
    [Theory]
    [MemberData(nameof(GoldenFrames.Names), MemberType = typeof(GoldenFrames))]
    public void ToArray_Request_MatchesSpecExampleInMbap(string name)
    {
        var (request, hex, _, _) = GoldenFrames.Cases[name];
        var pdu = GoldenFrames.Hex(hex);
        var expected = GoldenFrames.Hex($"1234 0000 {pdu.Length + 1:X4} 11 {hex}");

        Assert.Equal(expected, ModbusFrameWriter.ToArray(0x1234, 0x11, request));
        Assert.Equal(pdu.Length, request.Length);
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.Names), MemberType = typeof(GoldenFrames))]
    public void ToArray_Response_MatchesSpecExampleInMbap(string name)
    {
        var (_, _, response, hex) = GoldenFrames.Cases[name];
        var pdu = GoldenFrames.Hex(hex);
        var expected = GoldenFrames.Hex($"0001 0000 {pdu.Length + 1:X4} FF {hex}");

        Assert.Equal(expected, ModbusFrameWriter.ToArray(1, 0xFF, response));
        Assert.Equal(pdu.Length, response.Length);
    }

    public static TheoryData<ModbusFunctionCode, ModbusExceptionCode> ExceptionCases()
    {
        var data = new TheoryData<ModbusFunctionCode, ModbusExceptionCode>();
        foreach (var function in Enum.GetValues<ModbusFunctionCode>())
        {
            foreach (var code in Enum.GetValues<ModbusExceptionCode>())
            {
                data.Add(function, code);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExceptionCases))]
    public void ToArray_ExceptionResponse_SetsBit7OfFunctionCode(ModbusFunctionCode function, ModbusExceptionCode code)
    {
        var expected = new byte[] { 0x00, 0x07, 0x00, 0x00, 0x00, 0x03, 0x01, (byte)((byte)function | 0x80), (byte)code };

        Assert.Equal(expected, ModbusFrameWriter.ToArray(7, 1, ModbusResponse.Exception(function, code)));
    }

    [Fact]
    public void ToArray_SpecExceptionExample_Is8102()
    {
        // Spec section 7: read coils at an address that does not exist answers 81 02.
        Assert.Equal(GoldenFrames.Hex("0000 0000 0003 01 81 02"), ModbusFrameWriter.ToArray(0, 1, ModbusResponse.Exception(ModbusFunctionCode.ReadCoils, ModbusExceptionCode.IllegalDataAddress)));
    }

    [Fact]
    public async Task WriteAsync_Request_WritesWholeAdu()
    {
        using var stream = new MemoryStream();
        await ModbusFrameWriter.WriteAsync(stream, 2, 3, new ReadHoldingRegistersRequest(107, 3));

        Assert.Equal(GoldenFrames.Hex("0002 0000 0006 03 03 006B 0003"), stream.ToArray());
    }

    [Fact]
    public void Write_Sentinel_Throws()
    {
        var buffer = new byte[ModbusLimits.MaxTcpAduLength];

        Assert.Throws<InvalidOperationException>(() => ModbusFrameWriter.Write(buffer, 1, 1, ModbusResponse.DropConnection));
        Assert.Throws<InvalidOperationException>(() => ModbusFrameWriter.Write(buffer, 1, 1, ModbusResponse.NoResponse));
    }

    [Fact]
    public void Write_LargestRequests_FitTheTcpAdu()
    {
        var buffer = new byte[ModbusLimits.MaxTcpAduLength];

        Assert.Equal(7 + 6 + 246, ModbusFrameWriter.Write(buffer, 1, 1, new WriteMultipleRegistersRequest(0, new ushort[ModbusLimits.MaxWriteRegisters])));
        Assert.Equal(7 + 6 + 246, ModbusFrameWriter.Write(buffer, 1, 1, new WriteMultipleCoilsRequest(0, new bool[ModbusLimits.MaxWriteBits])));
        Assert.Equal(7 + 10 + 242, ModbusFrameWriter.Write(buffer, 1, 1, new ReadWriteMultipleRegistersRequest(0, 125, 0, new ushort[ModbusLimits.MaxReadWriteWriteRegisters])));
        Assert.Equal(7 + 2 + 250, ModbusFrameWriter.Write(buffer, 1, 1, new ReadHoldingRegistersResponse(new ushort[ModbusLimits.MaxReadRegisters])));
        Assert.Equal(7 + 2 + 250, ModbusFrameWriter.Write(buffer, 1, 1, new ReadCoilsResponse(new bool[ModbusLimits.MaxReadBits])));
    }
}
