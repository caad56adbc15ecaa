using YamlDotNet.RepresentationModel;

namespace EdgeHa.Collector.Tests;

/// <summary>Every reference-collector container in the shipped sample pairs starts with the arguments and env it is given.</summary>
public sealed class SampleManifestTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "config", "samples"), "redundantpair_*.yaml").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void CollectorContainer_ParsesItsArgumentsAndEnvironment(string sample)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot(), "config", "samples", sample))));
        var containers = ((YamlSequenceNode)Child(yaml.Documents[0].RootNode, "spec", "template", "spec", "containers")).Children.Cast<YamlMappingNode>()
            .Where(c => ((YamlScalarNode)c["image"]).Value!.StartsWith("edgeha/collector:", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(containers);
        var mounted = Directory.CreateTempSubdirectory("edgeha-sample-").FullName;
        var pair = ((YamlScalarNode)Child(yaml.Documents[0].RootNode, "metadata", "name")).Value!;
        foreach (var container in containers)
        {
            var args = container.Children.TryGetValue("args", out var a) ? ((YamlSequenceNode)a).Children.Select(n => ((YamlScalarNode)n).Value!).ToList() : [];
            var env = container.Children.TryGetValue("env", out var e)
                ? ((YamlSequenceNode)e).Children.Cast<YamlMappingNode>().Where(v => v.Children.ContainsKey("value"))
                    .ToDictionary(v => ((YamlScalarNode)v["name"]).Value!, v => ((YamlScalarNode)v["value"]).Value)
                : new Dictionary<string, string?>();

            // What the pod has that this test does not: the env the operator injects, and files from mounted Secrets
            // and ConfigMaps (a password, a CA certificate).
            env["EDGEHA_PAIR"] = pair;
            env["EDGEHA_NODE"] = "edge-ipc-1";
            foreach (var (name, value) in env.Where(v => v.Key.EndsWith("_FILE", StringComparison.Ordinal)).ToList())
            {
                var file = Path.Combine(mounted, name);
                if (name.EndsWith("_CA_FILE", StringComparison.Ordinal))
                {
                    File.Copy(TestCertificates.CreateUnrelatedCa(mounted), file);
                }
                else
                {
                    File.WriteAllText(file, "secret\n");
                }

                env[name] = file;
            }

            Assert.True(CollectorParse.TryParse(args, out _, out var error, name => env.GetValueOrDefault(name)), $"{sample}: {error}");
        }

        Directory.Delete(mounted, recursive: true);
    }

    private static YamlNode Child(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeHaOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("EdgeHaOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
