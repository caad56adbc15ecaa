namespace EdgeHa.Modbus.Tests;

public sealed class ModbusFrameReaderTests
{
    [Fact]
    public async Task ReadFrameAsync_TwoFramesInOneRead_ReturnsBothThenNull()
    {
        var bytes = GoldenFrames.Hex("0001 0000 0006 01 03 006B 0003  0002 0000 0003 01 81 02");
        var reader = new ModbusFrameReader(new MemoryStream(bytes));

        var first = await reader.ReadFrameAsync();
        Assert.Equal(new MbapHeader(1, 0, 6, 1), first!.Value.Header);
        Assert.Equal(GoldenFrames.Hex("03 006B 0003"), first.Value.Pdu.ToArray());
        Assert.True(reader.HasBufferedFrame);
        var second = await reader.ReadFrameAsync();
        Assert.Equal(GoldenFrames.Hex("81 02"), second!.Value.Pdu.ToArray());
        Assert.Null(await reader.ReadFrameAsync());
    }

    [Fact]
    public async Task ReadFrameAsync_OneByteAtATime_Reassembles()
    {
        var frame = ModbusFrameWriter.ToArray(9, 1, new WriteMultipleRegistersRequest(0, new ushort[123]));
        var reader = new ModbusFrameReader(new TrickleStream([.. frame, .. frame]));

        for (var i = 0; i < 2; i++)
        {
            var read = await reader.ReadFrameAsync();
            Assert.Equal(252, read!.Value.Pdu.Length);
        }

        Assert.Null(await reader.ReadFrameAsync());
    }

    [Theory]
    [InlineData("0001 0001 0006 01")] // protocol id 1
    [InlineData("0001 0000 0001 01")] // length 1: no function code
    [InlineData("0001 0000 00FF 01")] // length 255: PDU over 253 bytes
    [InlineData("0001 0000 FFFF 01")]
    public async Task ReadFrameAsync_BadHeader_ThrowsBeforeReadingBody(string header)
    {
        // Only the header is in the stream: a reader that tried to read the body would hit end of stream instead.
        var reader = new ModbusFrameReader(new MemoryStream(GoldenFrames.Hex(header)));

        await Assert.ThrowsAsync<ModbusProtocolException>(async () => await reader.ReadFrameAsync());
    }

    [Fact]
    public async Task ReadFrameAsync_EndInsideFrame_ThrowsEndOfStream()
    {
        var reader = new ModbusFrameReader(new MemoryStream(GoldenFrames.Hex("0001 0000 0006 01 03 00")));

        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadFrameAsync());
    }

    [Fact]
    public async Task ReadFrameAsync_EndInsideHeader_ThrowsEndOfStream()
    {
        var reader = new ModbusFrameReader(new MemoryStream(GoldenFrames.Hex("0001 00")));

        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadFrameAsync());
    }

    [Fact]
    public async Task ReadFrameAsync_ManyPipelinedFrames_ReturnsEachInOrder()
    {
        var bytes = Enumerable.Range(0, 100).SelectMany(i => ModbusFrameWriter.ToArray((ushort)i, 1, new ReadHoldingRegistersRequest((ushort)i, 1))).ToArray();
        var reader = new ModbusFrameReader(new MemoryStream(bytes));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, (await reader.ReadFrameAsync())!.Value.Header.TransactionId);
        }

        Assert.Null(await reader.ReadFrameAsync());
    }

    [Fact]
    public void HasBufferedFrame_Empty_IsFalse() => Assert.False(new ModbusFrameReader(new MemoryStream()).HasBufferedFrame);

    /// <summary>Returns at most one byte per read, as a slow network might.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
