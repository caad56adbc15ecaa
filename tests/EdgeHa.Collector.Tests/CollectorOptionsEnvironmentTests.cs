using System.Net;

namespace EdgeHa.Collector.Tests;

/// <summary>What the operator injects into a pair's pods turns the collector into a fenced one without flags.</summary>
public sealed class CollectorOptionsEnvironmentTests
{
    private static readonly string[] Base = ["--device", "plc:502", "--read", "input:0:4"];

    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void TryParse_OperatorEnvironment_SelectsTheLeaseRole()
    {
        var ok = CollectorParse.TryParse(Base, out var options, out var error,
            Env(("EDGEHA_LEASE_NAMESPACE", "plant"), ("EDGEHA_LEASE_NAME", "line-1-active"), ("POD_NAME", "line-1-edge-a-abcde"), ("EDGEHA_BIND_ADDRESS", "127.77.1.2")));

        Assert.True(ok, error);
        Assert.True(options.UseLease);
        Assert.Equal(("plant", "line-1-active", "line-1-edge-a-abcde"), (options.LeaseNamespace, options.LeaseName, options.Identity));
        Assert.Equal(IPAddress.Parse("127.77.1.2"), options.HttpBindAddress);
    }

    [Fact]
    public void TryParse_RoleFlag_OverridesTheEnvironment()
    {
        var ok = CollectorParse.TryParse([.. Base, "--role", "standby", "--bind", "127.0.0.1"], out var options, out var error,
            Env(("EDGEHA_LEASE_NAME", "line-1-active"), ("EDGEHA_BIND_ADDRESS", "127.77.1.2")));

        Assert.True(ok, error);
        Assert.False(options.UseLease);
        Assert.Equal(CollectorRole.Standby, options.Role);
        Assert.Equal(IPAddress.Loopback, options.HttpBindAddress);
    }

    [Fact]
    public void TryParse_LeaseRoleWithoutIdentity_SaysWhatIsMissing()
    {
        var ok = CollectorParse.TryParse([.. Base, "--role", "lease", "--lease-name", "x"], out _, out var error, Env(("POD_NAMESPACE", "plant")));

        Assert.False(ok);
        Assert.Equal("--identity: the lease role needs this pod's name (or POD_NAME)", error);
    }

    [Fact]
    public void TryParse_NoEnvironment_KeepsTheFlagRole()
    {
        var ok = CollectorParse.TryParse(Base, out var options, out var error);

        Assert.True(ok, error);
        Assert.False(options.UseLease);
        Assert.Equal(CollectorRole.Active, options.Role);
    }
}
