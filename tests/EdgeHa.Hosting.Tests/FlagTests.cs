using System.CommandLine;
using System.Net;

namespace EdgeHa.Hosting.Tests;

/// <summary>The shared flags: values read as documented, the last of a repeated flag wins, bad values name the flag.</summary>
public sealed class FlagTests
{
    private static ParseResult Parse(Option option, params string[] args) =>
        ProgramCommandLine.Root("prog", "test", option).Parse(args);

    [Theory]
    [InlineData("4s", 4_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1500us", 1.5)] // a Go duration: sub-millisecond units are allowed
    [InlineData("+3s", 3_000)]
    public void Duration_GoDuration_IsRead(string text, double milliseconds)
    {
        var option = Flag.Duration("--timeout", "t");

        Assert.Equal(milliseconds, Parse(option, "--timeout", text).GetValue(option).TotalMilliseconds, 6);
    }

    [Theory]
    [InlineData("-1s")] // a Go duration, but not a positive one
    [InlineData("0")]
    [InlineData(" 5s")] // Go does not trim
    [InlineData("5")] // no unit
    [InlineData("1d")]
    [InlineData("5S")]
    public void Duration_NotAPositiveGoDuration_ErrorNamesTheFlag(string text)
    {
        var result = Parse(Flag.Duration("--timeout", "t"), $"--timeout={text}");

        Assert.Equal($"--timeout: '{text}' is not a positive duration such as 4s, 500ms or 1m30s", Assert.Single(result.Errors).Message);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("65535", 65535)]
    public void Int_InRange_IsRead(string text, int expected)
    {
        var option = Flag.Int("--port", "p", 0, 65535);

        Assert.Equal(expected, Parse(option, "--port", text).GetValue(option));
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("x")]
    [InlineData("1 ")]
    public void Int_OutOfRangeOrNotANumber_ErrorNamesTheFlag(string text)
    {
        var result = Parse(Flag.Int("--port", "p", 0, 65535, "-p"), "-p", text);

        Assert.Equal($"--port: '{text}' is not an integer in 0..65535", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Address_NotAnAddress_ErrorNamesTheFlag()
    {
        var option = Flag.Address("--bind", "b");

        Assert.Equal(IPAddress.Loopback, Parse(option, "--bind", "127.0.0.1").GetValue(option));
        Assert.Equal("--bind: 'localhost' is not an IP address", Assert.Single(Parse(option, "--bind", "localhost").Errors).Message);
    }

    [Fact]
    public void Of_RepeatedFlag_LastWins()
    {
        var option = Flag.Text("--name", "n");

        Assert.Equal("b", Parse(option, "--name", "a", "--name=b").GetValue(option));
    }

    [Fact]
    public void Repeated_KeepsEveryValueInOrder()
    {
        var option = Flag.Repeated("--read", "r");

        Assert.Equal(["a", "b"], Parse(option, "--read", "a", "--read", "b").GetValue(option)!);
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--wait" }, true)]
    [InlineData(new[] { "--wait=false" }, false)]
    [InlineData(new[] { "--wait", "--wait=false" }, false)]
    public void Switch_AloneOrWithABoolean_IsRead(string[] args, bool expected)
    {
        var option = Flag.Switch("--wait", "w");

        Assert.Equal(expected, Parse(option, args).GetValue(option));
    }

    [Fact]
    public void Apply_FlagNotGiven_KeepsTheDefault()
    {
        var option = Flag.Int("--port", "p", 0, 65535);
        var port = 5020;

        Parse(option).Apply(option, v => port = v);
        Assert.Equal(5020, port);
        Parse(option, "--port", "0").Apply(option, v => port = v);
        Assert.Equal(0, port);
    }
}
