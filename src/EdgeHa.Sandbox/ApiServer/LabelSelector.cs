using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>A parsed label selector: =, ==, !=, in, notin, exists and !key, ANDed as the API server does.</summary>
internal sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Parses the <c>labelSelector</c> query value; throws a 400 ApiException when malformed.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var raw in SplitTopLevel(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                throw ApiException.BadRequest($"unable to parse requirement: found empty requirement in \"{text}\"");
            }

            requirements.Add(ParseTerm(term, text));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject? obj)
    {
        var labels = obj?["metadata"]?["labels"] as JsonObject;
        foreach (var r in _requirements)
        {
            string? value = labels?[r.Key]?.GetValue<string>();
            var ok = r.Op switch
            {
                "exists" => value is not null,
                "!" => value is null,
                "in" => value is not null && r.Values.Contains(value),
                "notin" => value is null || !r.Values.Contains(value),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static Requirement ParseTerm(string term, string whole)
    {
        if (term.StartsWith('!'))
        {
            return new Requirement(ValidKey(term[1..].Trim(), whole), "!", []);
        }

        var notin = IndexOfWord(term, " notin ");
        if (notin > 0)
        {
            return new Requirement(ValidKey(term[..notin].Trim(), whole), "notin", ParseSet(term[(notin + 7)..], whole));
        }

        var inIdx = IndexOfWord(term, " in ");
        if (inIdx > 0)
        {
            return new Requirement(ValidKey(term[..inIdx].Trim(), whole), "in", ParseSet(term[(inIdx + 4)..], whole));
        }

        var ne = term.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
        {
            return new Requirement(ValidKey(term[..ne].Trim(), whole), "notin", [term[(ne + 2)..].Trim()]);
        }

        var eq = term.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            var value = term[(eq + 1)..];
            if (value.StartsWith('='))
            {
                value = value[1..];
            }

            return new Requirement(ValidKey(term[..eq].Trim(), whole), "in", [value.Trim()]);
        }

        return new Requirement(ValidKey(term, whole), "exists", []);
    }

    private static int IndexOfWord(string term, string word) => term.IndexOf(word, StringComparison.Ordinal);

    private static HashSet<string> ParseSet(string text, string whole)
    {
        var t = text.Trim();
        if (!t.StartsWith('(') || !t.EndsWith(')'))
        {
            throw ApiException.BadRequest($"unable to parse requirement: found '{t}', expected: '(' in \"{whole}\"");
        }

        return t[1..^1].Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
    }

    private static string ValidKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw ApiException.BadRequest($"unable to parse requirement: invalid label key \"{key}\" in \"{whole}\"");
        }

        return key;
    }

    /// <summary>Splits on commas outside parentheses, so <c>a in (x,y),b</c> is two terms.</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')')
            {
                depth--;
            }
            else if (text[i] == ',' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private sealed record Requirement(string Key, string Op, HashSet<string> Values);
}
