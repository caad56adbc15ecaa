namespace EdgeHa.Agent.Tests;

public sealed class AgentOptionsTests
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
        var options = AgentOptions.Parse(["--", "/usr/bin/neuronex", "--config", "/etc/n.yaml"], k => Env.GetValueOrDefault(k));

        Assert.Equal("plant", options.Lease.Namespace);
        Assert.Equal("line-1-active", options.Lease.LeaseName);
        Assert.Equal("line-1-edge-a-x7k2p", options.Lease.Identity);
        Assert.Equal("/usr/bin/neuronex", options.Command);
        Assert.Equal(["--config", "/etc/n.yaml"], options.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(5), options.StopGrace);
    }

    [Fact]
    public void Parse_Flags_OverrideTheEnvironment()
    {
        var options = AgentOptions.Parse(
            ["--lease-namespace", "ns2", "--lease-name", "l2", "--identity", "me", "--stop-grace-ms", "250", "--", "sleep", "1"],
            k => Env.GetValueOrDefault(k));

        Assert.Equal(("ns2", "l2", "me"), (options.Lease.Namespace, options.Lease.LeaseName, options.Lease.Identity));
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.StopGrace);
    }

    [Theory]
    [InlineData(new[] { "--", }, "no command: put the collector's command after --")]
    [InlineData(new[] { "sleep" }, "unknown option sleep")]
    [InlineData(new[] { "--stop-grace-ms", "-1", "--", "x" }, "--stop-grace-ms takes a whole number of milliseconds (0 or more)")]
    [InlineData(new[] { "--identity" }, "--identity needs a value")]
    public void Parse_BadCommandLine_SaysWhatIsWrong(string[] args, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => AgentOptions.Parse(args, k => Env.GetValueOrDefault(k)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_NoIdentityAnywhere_SaysWhereToSetIt()
    {
        var e = Assert.Throws<ArgumentException>(() => AgentOptions.Parse(["--lease-namespace", "a", "--lease-name", "b", "--", "x"], _ => null));
        Assert.Equal("no identity: set --identity or POD_NAME", e.Message);
    }
}
