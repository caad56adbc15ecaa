using EdgeHa.Kubectl.Output;

namespace EdgeHa.Kubectl.Tests;

public sealed class TextTableTests
{
    [Fact]
    public void Write_Rows_AlignedNoTrailingSpaces()
    {
        var table = new TextTable("NAME", "STATUS", "MESSAGE");
        table.AddRow("a", "True", "all good");
        table.AddRow("longer-name", null, "line\nbreak");
        var w = new StringWriter { NewLine = "\n" };

        table.Write(w, "  ");

        Assert.Equal(
            "  NAME          STATUS   MESSAGE\n" +
            "  a             True     all good\n" +
            "  longer-name            line break\n",
            w.ToString());
    }

    [Fact]
    public void FormatRow_AfterWrite_UsesEstablishedWidths()
    {
        var table = new TextTable("A", "B");
        table.AddRow("xxxx", "1");

        Assert.Equal("y      2", table.FormatRow("y", "2"));
    }

    [Fact]
    public void AddRow_TooManyCells_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TextTable("A").AddRow("1", "2"));
    }
}
