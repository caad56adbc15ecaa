using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests.Support;

internal static class Support
{
    public static string? Eval(JsonNode node, string path) => TableConverter.Evaluate(node, path)?.ToString();
}
