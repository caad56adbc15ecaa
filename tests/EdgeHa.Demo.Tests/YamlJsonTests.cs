using EdgeHa.Demo.Infrastructure;

namespace EdgeHa.Demo.Tests;

public class YamlJsonTests
{
    [Fact]
    public void Documents_Scalars_FollowTheCoreSchemaAndQuotesStayStrings()
    {
        const string yaml = """
            a: 1
            b: "2"
            c: true
            d: ~
            e: 1.5
            f: $(POD_IP)
            g: [x, 'y']
            h: 0x10
            ---
            # empty second document is skipped
            ---
            kind: Second
            """;

        var docs = YamlJson.Documents(yaml, "test.yaml");

        Assert.Equal(2, docs.Count);
        Assert.Equal("""{"a":1,"b":"2","c":true,"d":null,"e":1.5,"f":"$(POD_IP)","g":["x","y"],"h":"0x10"}""", docs[0].ToJsonString());
        Assert.Equal("Second", docs[1]["kind"]!.GetValue<string>());
    }

    [Fact]
    public void Documents_InvalidYaml_ThrowsFormatExceptionWithLocation()
    {
        var e = Assert.Throws<FormatException>(() => YamlJson.Documents("a: [1, 2\nb: 3\n", "bad.yaml"));

        Assert.StartsWith("bad.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Documents_TheCrd_ConvertsToACustomResourceDefinition()
    {
        var crd = Assert.Single(YamlJson.Documents(File.ReadAllText(RepoFiles.Layout.Crd), "crd"));

        Assert.Equal("CustomResourceDefinition", crd["kind"]!.GetValue<string>());
        Assert.Equal("redundantpairs.edgeha.io", crd["metadata"]!["name"]!.GetValue<string>());
    }
}
