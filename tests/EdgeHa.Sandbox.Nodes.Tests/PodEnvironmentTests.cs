using System.Text.Json;
using EdgeHa.Kube.Models;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class PodEnvironmentTests
{
    private static readonly Pod Pod = new()
    {
        Metadata = new ObjectMeta { Name = "c-abcde", Namespace = "factory", Uid = "u1", Labels = new Dictionary<string, string> { ["edgeha.io/role"] = "active" } },
        Spec = new PodSpec(),
    };

    private static EnvVar FieldRef(string name, string path) =>
        new() { Name = name, ValueFrom = JsonSerializer.SerializeToElement(new { fieldRef = new { fieldPath = path } }) };

    [Fact]
    public void Container_SandboxVariablesThenOwnEnvWithDownwardApi()
    {
        var container = new Container
        {
            Name = "main",
            Image = "edgeha/collector",
            Env =
            [
                new EnvVar { Name = "LISTEN", Value = "$(POD_IP):8080" },
                FieldRef("MY_NODE", "spec.nodeName"),
                FieldRef("MY_IP", "status.podIP"),
                FieldRef("ROLE", "metadata.labels['edgeha.io/role']"),
                new EnvVar { Name = "POD_NAME", Value = "override" },
            ],
            Args = ["--bind", "$(EDGEHA_BIND_ADDRESS)", "$$(literal)", "$(UNDEFINED)"],
        };

        var launch = PodEnvironment.Container(Pod, container, "127.77.3.2", "node-a", "127.77.3.1");
        var env = launch.Environment.ToDictionary(e => e.Key, e => e.Value);

        Assert.Null(launch.ConfigError);
        Assert.Equal(["EDGEHA_BIND_ADDRESS", "POD_NAME", "POD_NAMESPACE", "POD_IP", "NODE_NAME", "LISTEN", "MY_NODE", "MY_IP", "ROLE"], launch.Environment.Select(e => e.Key));
        Assert.Equal("127.77.3.2", env["EDGEHA_BIND_ADDRESS"]);
        Assert.Equal("override", env["POD_NAME"]);
        Assert.Equal("factory", env["POD_NAMESPACE"]);
        Assert.Equal("node-a", env["NODE_NAME"]);
        Assert.Equal("127.77.3.2:8080", env["LISTEN"]);
        Assert.Equal("node-a", env["MY_NODE"]);
        Assert.Equal("127.77.3.2", env["MY_IP"]);
        Assert.Equal("active", env["ROLE"]);
        Assert.Equal(["--bind", "127.77.3.2", "$(literal)", "$(UNDEFINED)"], launch.Args);
    }

    [Fact]
    public void Container_UnsupportedValueFrom_ConfigError()
    {
        var container = new Container
        {
            Name = "main",
            Env = [new EnvVar { Name = "SECRET", ValueFrom = JsonSerializer.SerializeToElement(new { secretKeyRef = new { name = "s", key = "k" } }) }],
        };

        var launch = PodEnvironment.Container(Pod, container, "127.77.3.2", "node-a", "127.77.3.1");

        Assert.Contains("SECRET", launch.ConfigError, StringComparison.Ordinal);
    }
}
