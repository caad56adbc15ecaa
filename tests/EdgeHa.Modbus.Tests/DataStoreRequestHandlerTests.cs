namespace EdgeHa.Modbus.Tests;

public sealed class DataStoreRequestHandlerTests
{
    private static ModbusDataStore SparseStore()
    {
        var store = new ModbusDataStore();
        var unit = store.AddUnit(1);
        foreach (var table in Enum.GetValues<ModbusTable>())
        {
            unit.AddRange(table, 0, 100);
        }

        unit.SetRegister(ModbusTable.InputRegisters, 5, 55);
        unit.SetBit(ModbusTable.DiscreteInputs, 3, true);
        return store;
    }

    private static ModbusResponse Handle(ModbusDataStore store, ModbusRequestPdu pdu, byte unit = 1) =>
        new DataStoreRequestHandler(store).Handle(new ModbusRequest(unit, 1, pdu));

    [Fact]
    public void Handle_EveryFunctionCode_ServesTheStore()
    {
        var store = SparseStore();
        var unit = store.Units[0];

        Assert.IsType<WriteSingleCoilResponse>(Handle(store, new WriteSingleCoilRequest(1, true)));
        Assert.IsType<WriteMultipleCoilsResponse>(Handle(store, new WriteMultipleCoilsRequest(2, [true, true])));
        Assert.IsType<WriteSingleRegisterResponse>(Handle(store, new WriteSingleRegisterRequest(1, 11)));
        Assert.IsType<WriteMultipleRegistersResponse>(Handle(store, new WriteMultipleRegistersRequest(2, [22, 33])));

        Assert.Equal([false, true, true, true, false], ((ReadCoilsResponse)Handle(store, new ReadCoilsRequest(0, 5))).Values);
        Assert.Equal([false, false, false, true], ((ReadDiscreteInputsResponse)Handle(store, new ReadDiscreteInputsRequest(0, 4))).Values);
        Assert.Equal(new ushort[] { 0, 11, 22, 33 }, ((ReadHoldingRegistersResponse)Handle(store, new ReadHoldingRegistersRequest(0, 4))).Values);
        Assert.Equal(new ushort[] { 55 }, ((ReadInputRegistersResponse)Handle(store, new ReadInputRegistersRequest(5, 1))).Values);
        Assert.Equal(new ushort[] { 11, 7, 8 }, ((ReadWriteMultipleRegistersResponse)Handle(store, new ReadWriteMultipleRegistersRequest(1, 3, 2, [7, 8]))).Values);
        Assert.False(unit.GetBit(ModbusTable.DiscreteInputs, 1)); // coil writes never touch discrete inputs
        Assert.Equal(0, unit.GetRegister(ModbusTable.InputRegisters, 1)); // register writes never touch input registers
    }

    public static TheoryData<string> UnmappedCases => ["01", "02", "03", "04", "05", "06", "15", "16", "23 read", "23 write"];

    [Theory]
    [MemberData(nameof(UnmappedCases))]
    public void Handle_AddressOutsideMap_IsIllegalDataAddress(string which)
    {
        ModbusRequestPdu pdu = which switch
        {
            "01" => new ReadCoilsRequest(99, 2),
            "02" => new ReadDiscreteInputsRequest(100, 1),
            "03" => new ReadHoldingRegistersRequest(65535, 1),
            "04" => new ReadInputRegistersRequest(90, 11),
            "05" => new WriteSingleCoilRequest(100, true),
            "06" => new WriteSingleRegisterRequest(100, 1),
            "15" => new WriteMultipleCoilsRequest(99, [true, true]),
            "16" => new WriteMultipleRegistersRequest(99, [1, 2]),
            "23 read" => new ReadWriteMultipleRegistersRequest(99, 2, 0, [1]),
            _ => new ReadWriteMultipleRegistersRequest(0, 1, 99, [1, 2]),
        };

        var response = Assert.IsType<ModbusExceptionResponse>(Handle(SparseStore(), pdu));

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, response.ExceptionCode);
        Assert.Equal(pdu.FunctionCode, response.FunctionCode);
    }

    [Fact]
    public void Handle_FailedReadWrite_WritesNothing()
    {
        var store = SparseStore();

        Handle(store, new ReadWriteMultipleRegistersRequest(99, 2, 0, [42]));

        Assert.Equal(0, store.Units[0].GetRegister(ModbusTable.HoldingRegisters, 0));
    }

    [Fact]
    public void Handle_UnknownUnit_IsGatewayTargetFailedToRespond()
    {
        var response = Assert.IsType<ModbusExceptionResponse>(Handle(SparseStore(), new ReadCoilsRequest(0, 1), unit: 2));

        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, response.ExceptionCode);
    }

    [Fact]
    public void Handle_UnknownUnitWithNoResponseBehavior_ReturnsNoResponse()
    {
        var handler = new DataStoreRequestHandler(SparseStore(), UnknownUnitBehavior.NoResponse);

        Assert.Same(ModbusResponse.NoResponse, handler.Handle(new ModbusRequest(2, 1, new ReadCoilsRequest(0, 1))));
    }

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0)]
    public void Handle_DirectUnitIdWithOneUnit_ReachesThatUnit(byte unitId) =>
        Assert.IsType<ReadInputRegistersResponse>(Handle(SparseStore(), new ReadInputRegistersRequest(5, 1), unitId));

    [Fact]
    public void Handle_DirectUnitIdWithSeveralUnits_IsGatewayTargetFailedToRespond()
    {
        var store = SparseStore();
        store.AddUnit(2);

        var response = Assert.IsType<ModbusExceptionResponse>(Handle(store, new ReadCoilsRequest(0, 1), 0xFF));
        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, response.ExceptionCode);
    }

    [Fact]
    public async Task HandleAsync_CompletesSynchronously()
    {
        var handler = new DataStoreRequestHandler(SparseStore());

        var task = handler.HandleAsync(new ModbusRequest(1, 1, new ReadHoldingRegistersRequest(0, 1)), CancellationToken.None);

        Assert.True(task.IsCompletedSuccessfully);
        Assert.IsType<ReadHoldingRegistersResponse>(await task);
    }
}
