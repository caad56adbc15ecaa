using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>One page of a list: its items, the list resourceVersion and the continue token for the next page.</summary>
internal sealed record ListResult(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);
