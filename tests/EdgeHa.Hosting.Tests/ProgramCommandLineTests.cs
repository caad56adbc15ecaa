using System.CommandLine;

namespace EdgeHa.Hosting.Tests;

/// <summary>The one way every program parses: options, or usage errors on stderr with exit 2, or help on stdout with exit 0.</summary>
public sealed class ProgramCommandLineTests
{
    private sealed record Settings(string Device, int Unit);

    private static ParsedCommandLine<Settings> Parse(params string[] args)
    {
        var device = Flag.Text("--device", "the device");
        device.Required = true;
        var unit = Flag.Int("--unit", "unit id", 0, 255);
        var root = ProgramCommandLine.Root("prog", "A test program", device, unit);
        root.Add(new Command("sub", "a subcommand") { Flag.Switch("--fast", "go fast") });
        return ProgramCommandLine.Parse(root, args, (result, errors) =>
        {
            if (result.GetValue(unit) == 13)
            {
                errors.Add("--unit: 13 is unlucky");
            }

            return new Settings(result.GetValue(device)!, result.GetValue(unit));
        });
    }

    private static (int? ExitCode, string Stdout, string Stderr) Finish(ParsedCommandLine<Settings> parsed)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = parsed.Finish(stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Parse_GoodArguments_BindsTheOptions()
    {
        var parsed = Parse("--device", "plc:502", "--unit=3");

        Assert.Equal(new Settings("plc:502", 3), parsed.Options);
        Assert.Equal((null, "", ""), Finish(parsed));
    }

    [Fact]
    public void Parse_RequiredFlagMissing_ErrorNamesTheFlagAndExits2()
    {
        var parsed = Parse("--unit", "1");

        Assert.Null(parsed.Options);
        Assert.Equal(["Option '--device' is required."], parsed.Errors);
        Assert.Equal((2, "", "error: Option '--device' is required.\nRun 'prog --help' for usage.\n"), Finish(parsed));
    }

    [Fact]
    public void Parse_EveryProblem_IsReported()
    {
        var parsed = Parse("--unit", "300", "--bogus");

        Assert.Equal(
            ["--unit: '300' is not an integer in 0..255", "Option '--device' is required.", "Unrecognized command or argument '--bogus'."],
            parsed.Errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_BindError_IsAUsageError()
    {
        var parsed = Parse("--device", "d", "--unit", "13");

        Assert.Equal(["--unit: 13 is unlucky"], parsed.Errors);
        Assert.Equal(2, Finish(parsed).ExitCode);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_PrintsTheUsageAndExits0(string flag)
    {
        var (code, stdout, stderr) = Finish(Parse(flag));

        Assert.Equal(0, code);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("--device", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void Parse_SubcommandError_PointsToTheSubcommandsHelp()
    {
        var parsed = Parse("sub", "--slow");

        Assert.Equal("sub", parsed.Command.Name);
        Assert.EndsWith("Run 'prog sub --help' for usage.\n", Finish(parsed).Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "sub", "a", "--slow" }, new[] { "Unrecognized command or argument '--slow'." })]
    [InlineData(new[] { "sub", "-x", "--", "-y" }, new[] { "Unrecognized command or argument '-x'." })]
    [InlineData(new[] { "sub", "--", "-y", "--fast" }, new string[0])]
    public void Parse_FlagLikeArgumentBeforeDoubleDash_IsAnUnknownFlag(string[] args, string[] errors)
    {
        var root = ProgramCommandLine.Root("prog", "test");
        root.Add(new Command("sub") { Flag.Switch("--fast", "f"), new Argument<string[]>("NAME") { Arity = ArgumentArity.ZeroOrMore } });

        Assert.Equal(errors, ProgramCommandLine.Parse(root, args, (_, _) => "ok").Errors);
    }

    [Fact]
    public void Parse_ResponseFileSyntax_IsAnOrdinaryValue() =>
        Assert.Equal("@devices.txt", Parse("--device", "@devices.txt").Options!.Device);
}
