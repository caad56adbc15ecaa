using System.Text.Json.Nodes;
using EdgeHa.Demo.Infrastructure;
using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class PairManifestTests
{
    private static PairManifest Load(string file)
    {
        var path = Path.Combine(RepoFiles.Layout.DemoSamples, file);
        return PairManifest.FromObject(Assert.Single(YamlJson.Documents(File.ReadAllText(path), path)));
    }

    [Fact]
    public void FromObject_DemoHotSample_ReadsTheScriptFields()
    {
        var pair = Load(DemoApp.HotManifest);

        Assert.Equal(("demo-hot", "default", true, "edge-a", "edge-b"), (pair.Name, pair.Namespace, pair.Hot, pair.PrimaryNode, pair.StandbyNode));
        Assert.Equal(("192.168.100.50", 8080), (pair.VipAddress, pair.VipPort));
        Assert.Equal(TimeSpan.FromSeconds(5), pair.FailbackStabilization);
        Assert.Equal("hot", pair.Mode);
    }

    [Fact]
    public void FromObject_DemoColdSample_IsColdWithItsOwnNameAndVip()
    {
        var pair = Load(DemoApp.ColdManifest);

        Assert.Equal(("demo-cold", false, "192.168.100.51"), (pair.Name, pair.Hot, pair.VipAddress));
    }

    [Fact]
    public void FromObject_DemoSamples_BindTheCollectorToThePodAddress()
    {
        var args = Load(DemoApp.HotManifest).Object["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

        Assert.Equal("$(POD_IP)", args[args.IndexOf("--bind") + 1]);
        Assert.Equal("input:0", args[args.IndexOf("--sequence") + 1]);
    }

    [Theory]
    [InlineData("kind", "the manifest is not a RedundantPair (kind)")]
    [InlineData("vip", "the demo needs spec.vip (the demo reads data through it)")]
    [InlineData("primaryNode", "the RedundantPair has no spec.primaryNode")]
    public void FromObject_MissingField_NamesIt(string remove, string message)
    {
        var obj = (JsonObject)FakeEnvironment.HotPair.Object.DeepClone();
        if (remove == "kind")
        {
            obj.Remove("kind");
        }
        else
        {
            ((JsonObject)obj["spec"]!).Remove(remove);
        }

        Assert.Equal(message, Assert.Throws<FormatException>(() => PairManifest.FromObject(obj)).Message);
    }
}
