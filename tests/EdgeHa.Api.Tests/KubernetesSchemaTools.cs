namespace EdgeHa.Api.Tests;

/// <summary>A fact that needs node and the npm packages of tests/schema; skipped with instructions when they are absent.</summary>
internal sealed class KubernetesSchemaFactAttribute : FactAttribute
{
    public KubernetesSchemaFactAttribute()
    {
        Skip = KubernetesSchemaTools.SkipReason;
    }
}

/// <summary>A theory that needs node and the npm packages of tests/schema; skipped with instructions when they are absent.</summary>
internal sealed class KubernetesSchemaTheoryAttribute : TheoryAttribute
{
    public KubernetesSchemaTheoryAttribute()
    {
        Skip = KubernetesSchemaTools.SkipReason;
    }
}

internal static class KubernetesSchemaTools
{
    /// <summary>Null when node and tests/schema/node_modules are there; otherwise how to get them.</summary>
    public static string? SkipReason
    {
        get
        {
            if (!ToolFactAttribute.OnPath("node"))
            {
                return "node is not installed; install Node.js, then run npm ci --prefix tests/schema";
            }

            return Directory.Exists(RepoPaths.Combine("tests", "schema", "node_modules", "kubernetes-models"))
                && Directory.Exists(RepoPaths.Combine("tests", "schema", "node_modules", "@marcbachmann", "cel-js"))
                ? null
                : "tests/schema has no node_modules; run npm ci --prefix tests/schema";
        }
    }
}
