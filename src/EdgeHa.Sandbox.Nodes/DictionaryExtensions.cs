namespace EdgeHa.Sandbox.Nodes;

internal static class DictionaryExtensions
{
    /// <summary>The value under <paramref name="key"/>, or null (labels, annotations, selectors are IDictionary in the models).</summary>
    public static string? ValueOrNull(this IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;
}
