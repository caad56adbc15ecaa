namespace EdgeHa.Modbus.Tests;

public sealed class ModbusRequestPduTests
{
    [Theory]
    [MemberData(nameof(GoldenFrames.Names), MemberType = typeof(GoldenFrames))]
    public void TryDecode_SpecExample_RoundTrips(string name)
    {
        var (request, hex, _, _) = GoldenFrames.Cases[name];
        var pdu = GoldenFrames.Hex(hex);

        Assert.True(ModbusRequestPdu.TryDecode(pdu, out var decoded, out _));
        Assert.IsType(request.GetType(), decoded);
        Assert.Equal(pdu, GoldenFrames.Encode(decoded));
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.Names), MemberType = typeof(GoldenFrames))]
    public void DecodeResponse_SpecExample_RoundTrips(string name)
    {
        var (request, _, response, hex) = GoldenFrames.Cases[name];
        var pdu = GoldenFrames.Hex(hex);

        var decoded = request.DecodeResponse(pdu);

        Assert.IsType(response.GetType(), decoded);
        Assert.Equal(pdu, GoldenFrames.Encode(decoded));
    }

    [Fact]
    public void DecodeResponse_SpecExample_DecodesValues()
    {
        var coils = (ReadCoilsResponse)new ReadCoilsRequest(19, 19).DecodeResponse(GoldenFrames.Hex("01 03 CD 6B 05"));
        var registers = (ReadHoldingRegistersResponse)new ReadHoldingRegistersRequest(107, 3).DecodeResponse(GoldenFrames.Hex("03 06 022B 0000 0064"));

        Assert.Equal([true, false, true, true, false, false, true, true], coils.Values[..8]);
        Assert.Equal(new ushort[] { 555, 0, 100 }, registers.Values);
    }

    [Theory]
    [InlineData(0x01, ModbusExceptionCode.IllegalDataAddress)]
    [InlineData(0x03, ModbusExceptionCode.ServerDeviceBusy)]
    [InlineData(0x10, ModbusExceptionCode.GatewayTargetFailedToRespond)]
    public void DecodeResponse_ExceptionPdu_ReturnsExceptionResponse(byte function, ModbusExceptionCode code)
    {
        var request = AnyRequest((ModbusFunctionCode)function);

        var response = Assert.IsType<ModbusExceptionResponse>(request.DecodeResponse([(byte)(function | 0x80), (byte)code]));

        Assert.Equal(code, response.ExceptionCode);
        Assert.Equal((ModbusFunctionCode)function, response.FunctionCode);
    }

    [Theory]
    [InlineData("03 006B 0003", "04 06 022B 0000 0064")] // another function code
    [InlineData("03 006B 0003", "03 04 022B 0000")] // fewer registers than asked
    [InlineData("03 006B 0003", "03 06 022B 0000")] // byte count beyond the data
    [InlineData("03 006B 0003", "83 02 00")] // exception of the wrong length
    [InlineData("01 0013 0013", "01 02 CD 6B")] // too few coil bytes
    [InlineData("05 00AC FF00", "05 00AC 0000")] // echo differs
    [InlineData("06 0001 0003", "06 0001 0004")] // echo differs
    [InlineData("0F 0013 000A 02 CD 01", "0F 0013 0009")] // quantity differs
    [InlineData("10 0001 0002 04 000A 0102", "10 0002 0002")] // address differs
    [InlineData("17 0003 0001 000E 0001 02 00FF", "17 04 0001 0002")] // more registers than asked
    public void DecodeResponse_Mismatch_ThrowsProtocolException(string requestHex, string responseHex)
    {
        Assert.True(ModbusRequestPdu.TryDecode(GoldenFrames.Hex(requestHex), out var request, out _));

        Assert.Throws<ModbusProtocolException>(() => request.DecodeResponse(GoldenFrames.Hex(responseHex)));
    }

    [Fact]
    public void DecodeResponse_Empty_ThrowsProtocolException() =>
        Assert.Throws<ModbusProtocolException>(() => new ReadCoilsRequest(0, 1).DecodeResponse([]));

    [Theory]
    [InlineData("07")] // read exception status: serial line only, not implemented
    [InlineData("08 0000 1234")]
    [InlineData("2B 0E 01 00")]
    [InlineData("16 0000 FFFF 0000")] // mask write register
    [InlineData("00")]
    [InlineData("83 006B 0001")]
    [InlineData("FF")]
    public void TryDecode_UnknownFunction_IsIllegalFunction(string hex)
    {
        Assert.False(ModbusRequestPdu.TryDecode(GoldenFrames.Hex(hex), out _, out var error));
        Assert.Equal(ModbusExceptionCode.IllegalFunction, error);
    }

    [Theory]
    [InlineData("01 0000 0000")] // quantity 0
    [InlineData("01 0000 07D1")] // 2001 coils
    [InlineData("02 0000 07D1")]
    [InlineData("03 0000 007E")] // 126 registers
    [InlineData("04 0000 007E")]
    [InlineData("03 0000 0000")]
    [InlineData("03 0000")] // too short
    [InlineData("03 0000 0001 00")] // too long
    [InlineData("05 0000 1234")] // coil value neither FF00 nor 0000
    [InlineData("05 0000 00FF")]
    [InlineData("06 0000 00")]
    [InlineData("0F 0000 0000 00")] // 0 coils
    [InlineData("0F 0000 07B1 F7")] // 1969 coils
    [InlineData("0F 0000 000A 01 FF")] // byte count should be 2
    [InlineData("0F 0000 000A 02 FF")] // data shorter than byte count
    [InlineData("10 0000 0000 00")] // 0 registers
    [InlineData("10 0000 007C F8")] // 124 registers
    [InlineData("10 0000 0002 03 0001 02")] // byte count should be 4
    [InlineData("10 0000 0002 04 0001")] // data shorter than byte count
    [InlineData("10 0000 0001 02 0001 00")] // data longer than byte count
    [InlineData("17 0000 0000 0000 0001 02 0001")] // read quantity 0
    [InlineData("17 0000 007E 0000 0001 02 0001")] // read quantity 126
    [InlineData("17 0000 0001 0000 007A F4")] // write quantity 122
    [InlineData("17 0000 0001 0000 0001 04 0001 0002")] // byte count mismatch
    public void TryDecode_BadQuantityOrStructure_IsIllegalDataValue(string hex)
    {
        Assert.False(ModbusRequestPdu.TryDecode(GoldenFrames.Hex(hex), out _, out var error));
        Assert.Equal(ModbusExceptionCode.IllegalDataValue, error);
    }

    [Theory]
    [InlineData("01 FFFF 07D0")] // limits are fine; address overflow is the server's 02, not a decode error
    [InlineData("02 0000 07D0")]
    [InlineData("03 FFFF 007D")]
    [InlineData("04 0000 007D")]
    [InlineData("05 FFFF FF00")]
    [InlineData("17 0000 007D 0000 0079 F2")]
    public void TryDecode_AtLimits_Succeeds(string hex)
    {
        var bytes = GoldenFrames.Hex(hex);
        if (bytes[0] == 0x17)
        {
            bytes = [.. bytes, .. new byte[242]];
        }

        Assert.True(ModbusRequestPdu.TryDecode(bytes, out var request, out _));
        Assert.Equal(bytes, GoldenFrames.Encode(request));
    }

    [Fact]
    public void Constructors_OutsideLimits_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadCoilsRequest(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadCoilsRequest(0, ModbusLimits.MaxReadBits + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadDiscreteInputsRequest(0, ModbusLimits.MaxReadBits + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadHoldingRegistersRequest(0, ModbusLimits.MaxReadRegisters + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadInputRegistersRequest(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WriteMultipleCoilsRequest(0, new bool[ModbusLimits.MaxWriteBits + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WriteMultipleCoilsRequest(0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WriteMultipleRegistersRequest(0, new ushort[ModbusLimits.MaxWriteRegisters + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadWriteMultipleRegistersRequest(0, 126, 0, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadWriteMultipleRegistersRequest(0, 1, 0, new ushort[ModbusLimits.MaxReadWriteWriteRegisters + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadHoldingRegistersResponse(new ushort[ModbusLimits.MaxReadRegisters + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadCoilsResponse(new bool[ModbusLimits.MaxReadBits + 1]));
    }

    private static ModbusRequestPdu AnyRequest(ModbusFunctionCode function) => function switch
    {
        ModbusFunctionCode.ReadCoils => new ReadCoilsRequest(0, 1),
        ModbusFunctionCode.ReadHoldingRegisters => new ReadHoldingRegistersRequest(0, 1),
        _ => new WriteMultipleRegistersRequest(0, [1]),
    };
}
