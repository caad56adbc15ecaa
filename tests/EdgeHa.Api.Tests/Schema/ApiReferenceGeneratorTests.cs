using EdgeHa.Api.Schema;

namespace EdgeHa.Api.Tests.Schema;

public sealed class ApiReferenceGeneratorTests
{
    [Fact]
    public void ReplaceGeneratedSection_CommittedDocs_AreUpToDate()
    {
        var path = RepoPaths.Combine("docs", "EdgeHa.Api.md");
        var committed = File.ReadAllText(path);

        Assert.True(
            committed == ApiReferenceGenerator.ReplaceGeneratedSection(committed),
            "docs/EdgeHa.Api.md has a stale field reference: run make manifests");
    }

    [Theory]
    [InlineData("### `spec.healthCheck.http`")]
    [InlineData("### `spec.vip.ports[]`")]
    [InlineData("### `status.nodes[]`")]
    [InlineData("| `timeoutMilliseconds` | integer (int32) | `3000` | 50..60000 |")]
    [InlineData("| `primaryNode` | string |  | required; length <= 253; DNS-1123 subdomain |")]
    [InlineData("| `address` | string |  | length <= 45; IPv4 or IPv6 literal |")]
    [InlineData("| `ports` | []object (map keyed by name) |  | required; at least 1 item(s); at most 16 items |")]
    [InlineData("- timeoutMilliseconds must not exceed periodMilliseconds x failureThreshold")]
    public void Generate_Reference_ListsFieldsDefaultsAndRules(string expected)
    {
        Assert.Contains(expected, ApiReferenceGenerator.Generate(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceGeneratedSection_MarkersMissing_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ApiReferenceGenerator.ReplaceGeneratedSection("# no markers\n"));
    }

    [Fact]
    public void ReplaceGeneratedSection_KeepsTheTextAroundTheMarkers()
    {
        var markdown = $"before\n{ApiReferenceGenerator.BeginMarker}\nold\n{ApiReferenceGenerator.EndMarker}\nafter\n";

        var result = ApiReferenceGenerator.ReplaceGeneratedSection(markdown);

        Assert.StartsWith("before\n" + ApiReferenceGenerator.BeginMarker + "\n\n### `spec`", result, StringComparison.Ordinal);
        Assert.EndsWith(ApiReferenceGenerator.EndMarker + "\nafter\n", result, StringComparison.Ordinal);
        Assert.DoesNotContain("\nold\n", result, StringComparison.Ordinal);
    }
}
