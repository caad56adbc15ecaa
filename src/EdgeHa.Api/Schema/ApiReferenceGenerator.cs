using System.Collections;
using System.Globalization;
using System.Text;

namespace EdgeHa.Api.Schema;

/// <summary>
/// Renders the field reference of the API as Markdown from the same schema the CRD carries, so the documentation
/// lists every field, default and rule exactly as the API server enforces them.
/// </summary>
public static class ApiReferenceGenerator
{
    /// <summary>The line that opens the generated part of a Markdown file.</summary>
    public const string BeginMarker = "<!-- BEGIN GENERATED FIELD REFERENCE (make manifests) -->";

    /// <summary>The line that closes the generated part of a Markdown file.</summary>
    public const string EndMarker = "<!-- END GENERATED FIELD REFERENCE -->";

    /// <summary>The field reference: one section per object (spec and status, depth first), one table row per field.</summary>
    public static string Generate()
    {
        var schema = (IDictionary<string, object>)((IDictionary<string, object>)((IDictionary<string, object>)
            ((IList)((IDictionary<string, object>)CrdGenerator.Build()["spec"])["versions"])[0]!)["schema"])["openAPIV3Schema"];
        var properties = (IDictionary<string, object>)schema["properties"];
        var text = new StringBuilder();
        Section(text, "spec", (IDictionary<string, object>)properties["spec"]);
        Section(text, "status", (IDictionary<string, object>)properties["status"]);
        return text.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Replaces the text between the markers in <paramref name="markdown"/> with <see cref="Generate"/>.</summary>
    /// <exception cref="InvalidOperationException">The markers are missing or out of order.</exception>
    public static string ReplaceGeneratedSection(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var begin = markdown.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = markdown.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"the file needs the lines {BeginMarker} and {EndMarker}, in that order");
        }

        return markdown[..(begin + BeginMarker.Length)] + "\n\n" + Generate() + "\n" + markdown[end..];
    }

    private static void Section(StringBuilder text, string path, IDictionary<string, object> node)
    {
        text.Append("### `").Append(path).Append("`\n\n");
        if (node.TryGetValue("description", out var description))
        {
            text.Append(description).Append("\n\n");
        }

        var properties = (IDictionary<string, object>)node["properties"];
        var required = node.TryGetValue("required", out var r) ? ((IList)r).Cast<string>().ToHashSet() : [];
        text.Append("| Field | Type | Default | Rules | Description |\n|---|---|---|---|---|\n");
        var children = new List<(string Path, IDictionary<string, object> Node)>();
        foreach (var (name, value) in properties)
        {
            var field = (IDictionary<string, object>)value;
            var rules = Rules(field);
            if (required.Contains(name))
            {
                rules.Insert(0, "required");
            }

            text.Append("| `").Append(name).Append("` | ").Append(TypeOf(field)).Append(" | ")
                .Append(field.TryGetValue("default", out var d) ? "`" + Scalar(d) + "`" : "")
                .Append(" | ").Append(Escape(string.Join("; ", rules)))
                .Append(" | ").Append(Escape(field.TryGetValue("description", out var fd) ? (string)fd : ""))
                .Append(" |\n");

            if (field.TryGetValue("properties", out _) && field["type"] is "object")
            {
                children.Add((path + "." + name, field));
            }
            else if (field.TryGetValue("items", out var items) && ((IDictionary<string, object>)items).ContainsKey("properties"))
            {
                children.Add((path + "." + name + "[]", (IDictionary<string, object>)items));
            }
        }

        if (node.TryGetValue("x-kubernetes-validations", out var validations))
        {
            text.Append("\nRules checked by the API server (CEL) and by the operator:\n\n");
            foreach (IDictionary<string, object> rule in (IList)validations)
            {
                text.Append("- ").Append(rule["message"]).Append(" (`").Append(rule["rule"]).Append("`)\n");
            }
        }

        text.Append('\n');
        foreach (var (childPath, child) in children)
        {
            Section(text, childPath, child);
        }
    }

    private static string TypeOf(IDictionary<string, object> field)
    {
        var type = (string)field["type"];
        if (field.TryGetValue("enum", out var values))
        {
            return "enum: " + string.Join(", ", ((IList)values).Cast<object>().Select(v => "`" + v + "`"));
        }

        if (type == "array")
        {
            var items = (IDictionary<string, object>)field["items"];
            var itemType = items.ContainsKey("properties") ? "object" : (string)items["type"];
            var keys = field.TryGetValue("x-kubernetes-list-map-keys", out var k) ? $" (map keyed by {string.Join(", ", ((IList)k).Cast<object>())})" : "";
            return "[]" + itemType + keys;
        }

        if (field.ContainsKey("x-kubernetes-preserve-unknown-fields"))
        {
            return "object (any fields)";
        }

        return field.TryGetValue("format", out var format) ? $"{type} ({format})" : type;
    }

    private static List<string> Rules(IDictionary<string, object> field)
    {
        var rules = new List<string>();
        if (field.TryGetValue("minimum", out var min) && field.TryGetValue("maximum", out var max))
        {
            rules.Add($"{Scalar(min)}..{Scalar(max)}");
        }
        else if (field.TryGetValue("minimum", out var onlyMin))
        {
            rules.Add($">= {Scalar(onlyMin)}");
        }

        if (field.TryGetValue("minLength", out var minLength))
        {
            rules.Add($"length >= {minLength}");
        }

        if (field.TryGetValue("maxLength", out var maxLength))
        {
            rules.Add($"length <= {maxLength}");
        }

        if (field.TryGetValue("minItems", out var minItems))
        {
            rules.Add($"at least {minItems} item(s)");
        }

        if (field.TryGetValue("maxItems", out var maxItems))
        {
            rules.Add($"at most {maxItems} items");
        }

        if (field.TryGetValue("pattern", out var pattern))
        {
            rules.Add((string)pattern switch
            {
                ApiPatterns.Dns1123Subdomain => "DNS-1123 subdomain",
                ApiPatterns.Dns1123Label => "DNS-1123 label",
                ApiPatterns.IpAddress => "IPv4 or IPv6 literal",
                ApiPatterns.HttpPath => "starts with /",
                var other => "pattern `" + other + "`",
            });
        }

        return rules;
    }

    private static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IDictionary { Count: 0 } => "{}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
