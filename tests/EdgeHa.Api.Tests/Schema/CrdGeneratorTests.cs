using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeHa.Api.Schema;
using YamlDotNet.RepresentationModel;

namespace EdgeHa.Api.Tests.Schema;

public sealed class CrdGeneratorTests
{
    private static readonly Lazy<JsonNode> Crd = new(() => JsonNode.Parse(JsonSerializer.Serialize(CrdGenerator.Build()))!);

    private static JsonNode Version => Crd.Value["spec"]!["versions"]![0]!;

    private static JsonNode Schema => Version["schema"]!["openAPIV3Schema"]!;

    private static JsonNode SpecSchema => Schema["properties"]!["spec"]!;

    [Fact]
    public void GenerateYaml_CommittedCrd_IsUpToDate()
    {
        var path = RepoPaths.Combine("crds", CrdGenerator.FileName);
        var committed = File.Exists(path) ? File.ReadAllText(path) : "";

        Assert.True(
            committed == CrdGenerator.GenerateYaml(),
            $"{Path.Combine("crds", CrdGenerator.FileName)} is stale or missing: run make manifests");
    }

    [Fact]
    public void GenerateYaml_TwoRuns_AreIdentical()
    {
        Assert.Equal(CrdGenerator.GenerateYaml(), CrdGenerator.GenerateYaml());
    }

    [Fact]
    public void GenerateYaml_TopLevelKeys_InKubernetesOrder()
    {
        var keys = Regex.Matches(CrdGenerator.GenerateYaml(), "^([a-zA-Z]+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value);

        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], keys);
    }

    [Fact]
    public void GenerateYaml_ParsedAsYaml_EqualsTheTree()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(CrdGenerator.GenerateYaml()));

        var parsed = YamlToJson.Convert(stream.Documents[0].RootNode);

        // Strings such as "True", "False" and CEL rules starting with '!' must survive quoting.
        Assert.True(JsonNode.DeepEquals(Crd.Value, parsed), "the YAML does not parse back to the generated tree");
    }

    [Fact]
    public void Build_Names_AreAsAgreed()
    {
        var spec = Crd.Value["spec"]!;

        Assert.Equal("redundantpairs.edgeha.io", (string?)Crd.Value["metadata"]!["name"]);
        Assert.Equal("edgeha.io", (string?)spec["group"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal("RedundantPair", (string?)spec["names"]!["kind"]);
        Assert.Equal("redundantpairs", (string?)spec["names"]!["plural"]);
        Assert.Equal("rp", (string?)spec["names"]!["shortNames"]![0]);
        Assert.Equal("edge", (string?)spec["names"]!["categories"]![0]);
        Assert.Single(spec["versions"]!.AsArray());
        Assert.Equal("v1alpha1", (string?)Version["name"]);
        Assert.True((bool)Version["served"]!);
        Assert.True((bool)Version["storage"]!);
        Assert.Empty(Version["subresources"]!["status"]!.AsObject());
    }

    [Theory]
    [InlineData("Active", "string", ".status.activeNode", 0)]
    [InlineData("Primary", "string", ".spec.primaryNode", 0)]
    [InlineData("Standby", "string", ".spec.standbyNode", 0)]
    [InlineData("VIP", "string", ".spec.vip.address", 0)]
    [InlineData("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", 0)]
    [InlineData("Age", "date", ".metadata.creationTimestamp", 0)]
    [InlineData("Epoch", "integer", ".status.epoch", 1)]
    [InlineData("Failovers", "integer", ".status.failoverCount", 1)]
    [InlineData("Phase", "string", ".status.phase", 1)]
    public void Build_PrinterColumn_IsDeclared(string name, string type, string jsonPath, int priority)
    {
        var column = Version["additionalPrinterColumns"]!.AsArray().Single(c => (string?)c!["name"] == name)!;

        Assert.Equal(type, (string?)column["type"]);
        Assert.Equal(jsonPath, (string?)column["jsonPath"]);
        Assert.Equal(priority, (int?)column["priority"] ?? 0);
    }

    [Theory]
    [InlineData("", "self.primaryNode != self.standbyNode")]
    [InlineData("", "failover.switchoverTo must name primaryNode or standbyNode")]
    [InlineData("healthCheck", "set only one of http, tcp or modbus")]
    [InlineData("healthCheck", "self.timeoutMilliseconds <= self.periodMilliseconds * self.failureThreshold")]
    [InlineData("fencing", "self.renewIntervalMilliseconds < self.leaseDurationMilliseconds - self.clockSkewMarginMilliseconds")]
    [InlineData("fencing", "renewIntervalMilliseconds + 2 x requestTimeoutMilliseconds must be less than leaseDurationMilliseconds - clockSkewMarginMilliseconds, so one failed renewal still leaves time for the next")]
    [InlineData("vip", "self.provider == 'None' || has(self.address)")]
    [InlineData("vip", "pool applies only to provider MetalLB")]
    [InlineData("vip", "interface applies only to provider KubeVip")]
    [InlineData("vip", "ports must not repeat a port and protocol")]
    public void Build_CelRule_IsOnItsObject(string field, string ruleOrMessage)
    {
        var node = field.Length == 0 ? SpecSchema : SpecSchema["properties"]![field]!;

        var rules = node["x-kubernetes-validations"]!.AsArray();

        Assert.Contains(rules, r => (string?)r!["rule"] == ruleOrMessage || (string?)r!["message"] == ruleOrMessage);
    }

    [Fact]
    public void Build_VipAddress_IsAPatternNotCelIsIp()
    {
        var address = SpecSchema["properties"]!["vip"]!["properties"]!["address"]!;

        Assert.Equal(ApiPatterns.IpAddress, (string?)address["pattern"]);
        Assert.DoesNotContain("isIP", CrdGenerator.GenerateYaml(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EveryField_HasADescription()
    {
        var missing = new List<string>();
        void Visit(JsonNode node, string path)
        {
            if (node["properties"] is JsonObject properties)
            {
                foreach (var (name, child) in properties)
                {
                    if (path.Length > 0 && child!["description"] is null)
                    {
                        missing.Add(path + "." + name);
                    }

                    Visit(child!, path + "." + name);
                }
            }

            if (node["items"] is JsonNode items)
            {
                Visit(items, path + "[]");
            }
        }

        Visit(SpecSchema, ".spec");
        Visit(Schema["properties"]!["status"]!, ".status");

        Assert.Empty(missing);
    }

    [Fact]
    public void Build_Defaults_SatisfyTheirOwnSchema()
    {
        var checkedDefaults = 0;
        void Visit(JsonNode node)
        {
            if (node["default"] is JsonNode value)
            {
                checkedDefaults++;
                if (node["minimum"] is JsonNode min)
                {
                    Assert.True((long)value >= (long)min, $"default {value} below minimum {min}");
                }

                if (node["maximum"] is JsonNode max)
                {
                    Assert.True((long)value <= (long)max, $"default {value} above maximum {max}");
                }

                if (node["enum"] is JsonArray values)
                {
                    Assert.Contains(values, v => JsonNode.DeepEquals(v, value));
                }

                if (node["pattern"] is JsonNode pattern)
                {
                    Assert.Matches((string)pattern!, (string)value!);
                }
            }

            foreach (var child in (node["properties"] as JsonObject)?.Select(p => p.Value) ?? [])
            {
                Visit(child!);
            }

            if (node["items"] is JsonNode items)
            {
                Visit(items);
            }
        }

        Visit(SpecSchema);

        Assert.True(checkedDefaults >= 25, $"only {checkedDefaults} defaults found");
    }

    [Fact]
    public void Build_IsStructural_EveryNodeHasAType()
    {
        void Visit(JsonNode node, string path)
        {
            Assert.True(node["type"] is not null, $"{path} has no type");
            foreach (var (name, child) in (node["properties"] as JsonObject) ?? [])
            {
                Visit(child!, path + "." + name);
            }

            if (node["items"] is JsonNode items)
            {
                Visit(items, path + "[]");
            }

            if (node["additionalProperties"] is JsonObject additional)
            {
                Visit(additional, path + "{}");
            }
        }

        Visit(Schema, "");
    }

    [Fact]
    public void WriteTo_Directory_WritesTheGeneratedFile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgeha-crdgen-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = CrdGenerator.WriteTo(directory);

            Assert.Equal(Path.Combine(directory, "edgeha.io_redundantpairs.yaml"), path);
            Assert.Equal(CrdGenerator.GenerateYaml(), File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [ToolFact("yamllint", "install it with apt-get install yamllint")]
    public void GenerateYaml_Yamllint_Passes()
    {
        var (exitCode, output) = ProcessRunner.Run("yamllint", RepoPaths.Root, "--strict", Path.Combine("crds", CrdGenerator.FileName));

        Assert.True(exitCode == 0, output);
    }

    [KubernetesSchemaFact]
    public void GenerateYaml_KubernetesCrdSchema_Accepts()
    {
        var (exitCode, output) = ProcessRunner.Run(
            "node",
            RepoPaths.Combine("tests", "schema"),
            "validate-crd.mjs",
            RepoPaths.Combine("crds", CrdGenerator.FileName));

        Assert.True(exitCode == 0, output);
    }
}
