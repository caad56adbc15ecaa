namespace EdgeHa.Fencing.Tests;

public sealed class PublishedSequenceTests
{
    [Theory]
    [InlineData("65535", 65535L)] // written by a holder that recorded the raw 16-bit register
    [InlineData("65537", 65537L)]
    [InlineData("4294967301", 4_294_967_301L)]
    [InlineData("-1", null)]
    [InlineData("", null)]
    [InlineData("12a", null)]
    [InlineData(null, null)]
    public void Parse_RecordedText_GivesTheSequenceOrNull(string? text, long? expected)
    {
        Assert.Equal(expected, PublishedSequence.Parse(text));
    }

    [Fact]
    public void FromAnnotations_FormattedSequence_RoundTrips()
    {
        var annotations = new Dictionary<string, string> { [FencingAnnotations.LastPublishedSequence] = PublishedSequence.Format(131_077) };

        Assert.Equal(131_077, PublishedSequence.FromAnnotations(annotations));
        Assert.Null(PublishedSequence.FromAnnotations(new Dictionary<string, string>()));
        Assert.Null(PublishedSequence.FromAnnotations(null));
    }

    [Theory]
    [InlineData(65535L, 65535)]
    [InlineData(65536L, 0)]
    [InlineData(65537L, 1)]
    [InlineData(4_294_967_301L, 5)]
    public void DeviceValue_UnwrappedSequence_IsTheRegisterValue(long sequence, int expected)
    {
        Assert.Equal(expected, PublishedSequence.DeviceValue(sequence));
    }
}
