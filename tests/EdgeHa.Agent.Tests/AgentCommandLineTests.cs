namespace EdgeHa.Agent.Tests;

public sealed class AgentCommandLineTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["EDGEHA_LEASE_NAMESPACE"] = "plant",
        ["EDGEHA_LEASE_NAME"] = "line-1-active",
        ["POD_NAME"] = "line-1-edge-a-x7k2p",
    };

    [Fact]
    public void Parse_EnvironmentOnly_TakesLeaseAndIdentityFromIt()
    {
        var options = AgentCommandLine.Parse(["--", "/usr/bin/neuronex", "--config", "/etc/n.yaml", "--identity", "x"], k => Env.GetValueOrDefault(k)).Options!;

        Assert.Equal("plant", options.Lease.Namespace);
        Assert.Equal("line-1-active", options.Lease.LeaseName);
        Assert.Equal("line-1-edge-a-x7k2p", options.Lease.Identity);
        Assert.Equal("/usr/bin/neuronex", options.Command);
        Assert.Equal(["--config", "/etc/n.yaml", "--identity", "x"], options.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(5), options.StopGrace);
    }

    [Fact]
    public void Parse_Flags_OverrideTheEnvironment()
    {
        var options = AgentCommandLine.Parse(
            ["--lease-namespace", "ns2", "--lease-name", "l2", "--identity", "me", "--stop-grace-ms", "250", "--kubeconfig", "/k", "--", "sleep", "1"],
            k => Env.GetValueOrDefault(k)).Options!;

        Assert.Equal(("ns2", "l2", "me"), (options.Lease.Namespace, options.Lease.LeaseName, options.Lease.Identity));
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.StopGrace);
        Assert.Equal(("/k", "sleep"), (options.Kubeconfig, options.Command));
    }

    [Theory]
    [InlineData(new[] { "--", }, "no command: put the collector's command after --")]
    [InlineData(new[] { "sleep" }, "unexpected 'sleep': put the collector's command after --")]
    [InlineData(new[] { "--stop-grace-ms", "-1", "--", "x" }, "--stop-grace-ms: '-1' is not an integer in 0..2147483647")]
    [InlineData(new[] { "--identity" }, "Required argument missing for option: '--identity'.")]
    [InlineData(new[] { "--verbose", "--", "x" }, "Unrecognized command or argument '--verbose'.")]
    public void Parse_BadCommandLine_SaysWhatIsWrong(string[] args, string message)
    {
        var parsed = AgentCommandLine.Parse(args, k => Env.GetValueOrDefault(k));

        Assert.Null(parsed.Options);
        Assert.Equal([message], parsed.Errors);
    }

    [Fact]
    public void Parse_Help_AsksForUsage() => Assert.True(AgentCommandLine.Parse(["--help"], _ => null).Help);

    [Fact]
    public void Parse_NoIdentityAnywhere_SaysWhereToSetIt()
    {
        var parsed = AgentCommandLine.Parse(["--lease-namespace", "a", "--lease-name", "b", "--", "x"], _ => null);

        Assert.Equal(["no identity: set --identity or POD_NAME"], parsed.Errors);
    }
}
