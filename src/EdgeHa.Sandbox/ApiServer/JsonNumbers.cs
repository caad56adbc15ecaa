using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>Reads numbers whatever CLR type backs the JsonValue (parsed JSON, int, long or double).</summary>
internal static class JsonNumbers
{
    public static double AsDouble(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static long AsLong(JsonNode node) => (long)AsDouble(node);
}
