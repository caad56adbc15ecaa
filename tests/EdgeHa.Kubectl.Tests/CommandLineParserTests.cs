using EdgeHa.Kubectl.Cli;

namespace EdgeHa.Kubectl.Tests;

public sealed class CommandLineParserTests
{
    private static Invocation Parse(string[] args)
    {
        var parsed = CommandLineParser.Parse(args);
        Assert.Empty(parsed.Errors);
        return parsed.Options!;
    }

    [Theory]
    [InlineData(new[] { "status" }, null, null)]
    [InlineData(new[] { "status", "p1", "-n", "prod" }, "p1", "prod")]
    [InlineData(new[] { "-n", "prod", "status", "p1" }, "p1", "prod")]
    [InlineData(new[] { "status", "p1", "-nprod" }, "p1", "prod")]
    [InlineData(new[] { "status", "p1", "-n=prod" }, "p1", "prod")]
    [InlineData(new[] { "status", "--namespace=prod", "p1" }, "p1", "prod")]
    [InlineData(new[] { "status", "--namespace", "prod", "p1" }, "p1", "prod")]
    [InlineData(new[] { "status", "-n", "a", "-n", "b" }, null, "b")]
    [InlineData(new[] { "status", "--", "-odd-name" }, "-odd-name", null)]
    public void Parse_StatusForms_PairAndNamespace(string[] args, string? pair, string? ns)
    {
        var inv = Parse(args);

        Assert.Equal(CommandKind.Status, inv.Command);
        Assert.Equal(pair, inv.Pair);
        Assert.Equal(ns, inv.Namespace);
        Assert.False(inv.AllNamespaces);
        Assert.Equal(OutputFormat.Table, inv.Output);
    }

    [Theory]
    [InlineData("-A", "-o", "json")]
    [InlineData("--all-namespaces", "--output=json", "")]
    [InlineData("-Aojson", "", "")]
    [InlineData("-A", "-ojson", "")]
    public void Parse_AllNamespacesJson_Set(string a, string b, string c)
    {
        var inv = Parse(new[] { "status", a, b, c }.Where(s => s.Length > 0).ToArray());

        Assert.True(inv.AllNamespaces);
        Assert.Equal(OutputFormat.Json, inv.Output);
    }

    [Fact]
    public void Parse_SwitchoverWithEveryFlag_AllSet()
    {
        var inv = Parse(["switchover", "line1", "--to", "ipc-b", "--force", "--wait", "--timeout", "1m30s", "--kubeconfig", "/k", "--context=lab"]);

        Assert.Equal(CommandKind.Switchover, inv.Command);
        Assert.Equal("line1", inv.Pair);
        Assert.Equal("ipc-b", inv.To);
        Assert.True(inv.Force);
        Assert.True(inv.Wait);
        Assert.Equal(TimeSpan.FromSeconds(90), inv.WaitTimeout);
        Assert.Equal("/k", inv.Kubeconfig);
        Assert.Equal("lab", inv.Context);
    }

    [Fact]
    public void Parse_SwitchoverMinimal_DefaultsNoForceNoWait()
    {
        var inv = Parse(["switchover", "line1", "--to=ipc-a"]);

        Assert.Equal("ipc-a", inv.To);
        Assert.False(inv.Force);
        Assert.False(inv.Wait);
        Assert.Equal(Invocation.DefaultWaitTimeout, inv.WaitTimeout);
    }

    [Fact]
    public void Parse_ForceFalse_NotForced()
    {
        Assert.False(Parse(["switchover", "p", "--to", "b", "--force=false"]).Force);
    }

    [Theory]
    [InlineData("pause", "Pause")]
    [InlineData("resume", "Resume")]
    public void Parse_PauseResume_CommandAndPair(string verb, string expectedKind)
    {
        var expected = Enum.Parse<CommandKind>(expectedKind);
        var inv = Parse([verb, "line1", "-n", "plant"]);

        Assert.Equal(expected, inv.Command);
        Assert.Equal("line1", inv.Pair);
        Assert.Equal("plant", inv.Namespace);
    }

    [Theory]
    [InlineData(new[] { "events", "line1", "-w" }, "line1", true)]
    [InlineData(new[] { "events", "--watch=true" }, null, true)]
    [InlineData(new[] { "events", "-Aw" }, null, true)]
    [InlineData(new[] { "events", "line1" }, "line1", false)]
    public void Parse_Events_PairAndWatch(string[] args, string? pair, bool watch)
    {
        var inv = Parse(args);

        Assert.Equal(CommandKind.Events, inv.Command);
        Assert.Equal(pair, inv.Pair);
        Assert.Equal(watch, inv.Watch);
    }

    [Theory]
    [InlineData(new[] { "--help" }, null)]
    [InlineData(new[] { "-h" }, null)]
    [InlineData(new[] { "help" }, null)]
    [InlineData(new[] { "help", "switchover" }, "Switchover")]
    [InlineData(new[] { "status", "--help" }, "Status")]
    [InlineData(new[] { "switchover", "-h" }, "Switchover")]
    [InlineData(new[] { "status", "a", "b", "-h" }, "Status")]
    [InlineData(new[] { "-n", "x", "events", "--help" }, "Events")]
    public void Parse_Help_Topic(string[] args, string? topicName)
    {
        CommandKind? topic = topicName is null ? null : Enum.Parse<CommandKind>(topicName);
        var parsed = CommandLineParser.Parse(args);

        Assert.True(parsed.Help);
        Assert.Equal(topic, CommandLineParser.KindOf(parsed.Command));
    }

    [Theory]
    [InlineData("-A", "status")]
    [InlineData("status", "-A")]
    public void Parse_CommandFlagBeforeOrAfterTheCommand_Counts(string first, string second) => Assert.True(Parse([first, second]).AllNamespaces);

    [Fact]
    public void Parse_Version_VersionCommand()
    {
        Assert.Equal(CommandKind.Version, Parse(["--version"]).Command);
        Assert.Equal(CommandKind.Version, Parse(["status", "--version"]).Command);
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "frobnicate" }, "Unrecognized command or argument 'frobnicate'.")]
    [InlineData(new[] { "help", "nope" }, "Unrecognized command 'nope'.")]
    [InlineData(new[] { "status", "--bogus" }, "Unrecognized command or argument '--bogus'.")]
    [InlineData(new[] { "status", "-x" }, "Unrecognized command or argument '-x'.")]
    [InlineData(new[] { "status", "-Ax" }, "a PAIR name cannot be combined with -A, --all-namespaces")] // System.CommandLine unbundles -Ax to -A x
    [InlineData(new[] { "status", "-n" }, "Required argument missing for option: '-n'.")]
    [InlineData(new[] { "switchover", "p", "--to" }, "Required argument missing for option: '--to'.")]
    [InlineData(new[] { "status", "--to", "x" }, "unknown flag --to for \"kubectl edgeha status\"")]
    [InlineData(new[] { "events", "-o", "json" }, "unknown flag -o, --output for \"kubectl edgeha events\"")]
    [InlineData(new[] { "pause", "p", "--force" }, "unknown flag --force for \"kubectl edgeha pause\"")]
    [InlineData(new[] { "status", "-o", "yaml" }, "--output: 'yaml' is not table or json")]
    [InlineData(new[] { "status", "-n", "" }, "--namespace: '' is not a value (it must not be empty)")]
    [InlineData(new[] { "switchover", "p", "--to", "b", "--force=maybe" }, "switchover takes one PAIR name, got 2: \"p\", \"maybe\"")]
    [InlineData(new[] { "status", "a", "b" }, "status takes at most one PAIR name, got 2: \"a\", \"b\"")]
    [InlineData(new[] { "events", "a", "b", "c" }, "events takes at most one PAIR name, got 3: \"a\", \"b\", \"c\"")]
    [InlineData(new[] { "status", "a", "-A" }, "a PAIR name cannot be combined with -A, --all-namespaces")]
    [InlineData(new[] { "switchover", "--to", "b" }, "switchover needs a PAIR name: kubectl edgeha switchover PAIR --to NODE")]
    [InlineData(new[] { "switchover", "p" }, "switchover needs --to NODE, the node to make active")]
    [InlineData(new[] { "switchover", "p", "q", "--to", "b" }, "switchover takes one PAIR name, got 2: \"p\", \"q\"")]
    [InlineData(new[] { "switchover", "p", "--to", "b", "--timeout", "30s" }, "--timeout applies only with --wait")]
    [InlineData(new[] { "switchover", "p", "--to", "b", "--wait", "--timeout", "30" }, "--timeout: '30' is not a positive duration such as 4s, 500ms or 1m30s")]
    [InlineData(new[] { "switchover", "p", "--to", "b", "--wait", "--timeout", "0" }, "--timeout: '0' is not a positive duration such as 4s, 500ms or 1m30s")]
    [InlineData(new[] { "switchover", "p", "--to", "b", "--wait", "--timeout", "-1s" }, "--timeout: '-1s' is not a positive duration such as 4s, 500ms or 1m30s")]
    [InlineData(new[] { "pause" }, "pause needs a PAIR name: kubectl edgeha pause PAIR")]
    [InlineData(new[] { "resume", "a", "b" }, "resume takes one PAIR name, got 2: \"a\", \"b\"")]
    public void Parse_BadArguments_UsageErrorWithMessage(string[] args, string message)
    {
        var parsed = CommandLineParser.Parse(args);

        Assert.Null(parsed.Options);
        Assert.Equal([message], parsed.Errors);
    }

    [Theory]
    [InlineData(new[] { "switchover", "p" }, "kubectl edgeha switchover")]
    [InlineData(new[] { "--bogus" }, "kubectl edgeha")]
    public void Parse_Error_NamesTheCommandForHelp(string[] args, string command) =>
        Assert.Equal(command, CommandLineParser.Parse(args).CommandPath);
}
