using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>A parsed field selector (=, ==, !=) over the field labels a kind supports.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, string Value, bool Equal)> _terms;

    private FieldSelector(List<(string, string, bool)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>Parses <c>fieldSelector</c>; unsupported field labels are a 400 as on a real server.</summary>
    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, string, bool)>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            var ne = term.IndexOf("!=", StringComparison.Ordinal);
            var eq = term.IndexOf('=', StringComparison.Ordinal);
            string field, value;
            bool equal;
            if (ne > 0)
            {
                (field, value, equal) = (term[..ne], term[(ne + 2)..], false);
            }
            else if (eq > 0)
            {
                value = term[(eq + 1)..];
                (field, value, equal) = (term[..eq], value.StartsWith('=') ? value[1..] : value, true);
            }
            else
            {
                throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            }

            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace") && !type.ExtraFieldLabels.Contains(field))
            {
                throw ApiException.BadRequest($"field label not supported: {field}");
            }

            terms.Add((EventConversion.Applies(type) ? EventConversion.CoreField(field) : field, value.Trim(), equal));
        }

        return new FieldSelector(terms);
    }

    /// <summary>The value an equality term requires <paramref name="field"/> to have, or null when none does.</summary>
    public string? RequiredValue(string field) => _terms.FirstOrDefault(t => t.Field == field && t.Equal).Value;

    public bool Matches(JsonObject? obj)
    {
        foreach (var (field, value, equal) in _terms)
        {
            JsonNode? node = obj;
            foreach (var part in field.Split('.'))
            {
                node = node is JsonObject o ? o[part] : null;
            }

            var actual = node switch
            {
                null => "",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => node.ToJsonString(),
            };
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
