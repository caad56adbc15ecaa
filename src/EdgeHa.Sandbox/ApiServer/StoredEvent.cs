using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>A change in the store, kept in the bounded watch history. Objects are never mutated after emission.</summary>
internal sealed record StoredEvent(string Type, string StorageKey, JsonObject Object, JsonObject? Previous, long ResourceVersion);
