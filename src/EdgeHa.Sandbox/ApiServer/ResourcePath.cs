namespace EdgeHa.Sandbox.ApiServer;

/// <summary>A resource URL taken apart: /api/v1/namespaces/NS/PLURAL/NAME/SUB or /apis/GROUP/VERSION/....</summary>
internal sealed record ResourcePath(string Group, string Version, string? Namespace, string Plural, string? Name, string? Subresource, bool LegacyWatch)
{
    /// <summary>Parses the segments after /api/v1 or /apis/GROUP/VERSION; null when they name no resource.</summary>
    public static ResourcePath? Parse(string group, string version, ReadOnlySpan<string> rest)
    {
        var legacyWatch = false;
        if (rest.Length > 0 && rest[0] == "watch")
        {
            legacyWatch = true;
            rest = rest[1..];
        }

        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && !(group.Length == 0 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            return null;
        }

        return new ResourcePath(group, version, ns, rest[0], rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null, legacyWatch);
    }
}
