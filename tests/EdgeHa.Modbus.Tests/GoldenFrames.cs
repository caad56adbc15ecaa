namespace EdgeHa.Modbus.Tests;

/// <summary>
/// The request/response examples of the Modbus Application Protocol v1.1b3 (section 6, one per function code),
/// as PDU hex. Every test that needs a golden frame takes it from here.
/// </summary>
internal static class GoldenFrames
{
    // Coils 20..38 (address 19, 19 coils) read as CD 6B 05: bits LSB first.
    public static readonly bool[] ReadCoilsValues = Bits("CD6B05", 19);

    // Discrete inputs 197..218 (address 196, 22 inputs) read as AC DB 35.
    public static readonly bool[] DiscreteValues = Bits("ACDB35", 22);

    // Coils 20..29 written as CD 01.
    public static readonly bool[] WriteCoilsValues = Bits("CD01", 10);

    public static readonly Dictionary<string, (ModbusRequestPdu Request, string RequestHex, ModbusResponse Response, string ResponseHex)> Cases = new()
    {
        ["01 read coils"] = (new ReadCoilsRequest(19, 19), "01 0013 0013", new ReadCoilsResponse(ReadCoilsValues), "01 03 CD 6B 05"),
        ["02 read discrete inputs"] = (new ReadDiscreteInputsRequest(196, 22), "02 00C4 0016", new ReadDiscreteInputsResponse(DiscreteValues), "02 03 AC DB 35"),
        ["03 read holding registers"] = (new ReadHoldingRegistersRequest(107, 3), "03 006B 0003", new ReadHoldingRegistersResponse([0x022B, 0x0000, 0x0064]), "03 06 022B 0000 0064"),
        ["04 read input registers"] = (new ReadInputRegistersRequest(8, 1), "04 0008 0001", new ReadInputRegistersResponse([0x000A]), "04 02 000A"),
        ["05 write single coil"] = (new WriteSingleCoilRequest(172, true), "05 00AC FF00", new WriteSingleCoilResponse(172, true), "05 00AC FF00"),
        ["05 write single coil off"] = (new WriteSingleCoilRequest(172, false), "05 00AC 0000", new WriteSingleCoilResponse(172, false), "05 00AC 0000"),
        ["06 write single register"] = (new WriteSingleRegisterRequest(1, 3), "06 0001 0003", new WriteSingleRegisterResponse(1, 3), "06 0001 0003"),
        ["15 write multiple coils"] = (new WriteMultipleCoilsRequest(19, WriteCoilsValues), "0F 0013 000A 02 CD 01", new WriteMultipleCoilsResponse(19, 10), "0F 0013 000A"),
        ["16 write multiple registers"] = (new WriteMultipleRegistersRequest(1, [0x000A, 0x0102]), "10 0001 0002 04 000A 0102", new WriteMultipleRegistersResponse(1, 2), "10 0001 0002"),
        ["23 read/write multiple registers"] = (
            new ReadWriteMultipleRegistersRequest(3, 6, 14, [0x00FF, 0x00FF, 0x00FF]),
            "17 0003 0006 000E 0003 06 00FF 00FF 00FF",
            new ReadWriteMultipleRegistersResponse([0x00FE, 0x0ACD, 0x0001, 0x0003, 0x000D, 0x00FF]),
            "17 0C 00FE 0ACD 0001 0003 000D 00FF"),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    public static byte[] Hex(string hex) => Loopback.Hex(hex);

    public static byte[] Encode(ModbusRequestPdu pdu)
    {
        var buffer = new byte[ModbusLimits.MaxPduLength];
        return buffer[..pdu.Encode(buffer)];
    }

    public static byte[] Encode(ModbusResponse pdu)
    {
        var buffer = new byte[ModbusLimits.MaxPduLength];
        return buffer[..pdu.Encode(buffer)];
    }

    private static bool[] Bits(string hex, int count)
    {
        var bytes = Convert.FromHexString(hex);
        return [.. Enumerable.Range(0, count).Select(i => (bytes[i / 8] & (1 << (i % 8))) != 0)];
    }
}
