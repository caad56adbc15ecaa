using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EdgeHa.Api.Schema;

/// <summary>
/// Reads the summaries of types and properties from the XML documentation file the compiler writes next to an
/// assembly (GenerateDocumentationFile). The file travels with the assembly to every project that references it,
/// so the generator, its tests and CI all see the same text.
/// </summary>
public static partial class XmlDocumentation
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> Cache = new();

    /// <summary>The one-line summary of a type, or null when it has none.</summary>
    public static string? Summary(Type type) => Lookup(type.Assembly, "T:" + MemberName(type));

    /// <summary>The one-line summary of a property, or null when it has none.</summary>
    public static string? Summary(PropertyInfo property) =>
        Lookup(property.DeclaringType!.Assembly, "P:" + MemberName(property.DeclaringType!) + "." + property.Name);

    private static string MemberName(Type type) => type.FullName!.Replace('+', '.');

    private static string? Lookup(Assembly assembly, string key) =>
        Cache.GetOrAdd(assembly, Load).TryGetValue(key, out var text) ? text : null;

    private static Dictionary<string, string> Load(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The XML documentation file of {assembly.GetName().Name} was not found at '{path}'; build with GenerateDocumentationFile=true.",
                path);
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                result[name] = Flatten(summary);
            }
        }

        return result;
    }

    /// <summary>Summary XML to one line of plain text: &lt;c&gt; and &lt;see&gt; become their text, whitespace collapses.</summary>
    internal static string Flatten(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    var target = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? "";
                    text.Append(see.IsEmpty ? target[(target.LastIndexOf('.') + 1)..] : see.Value);
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } r:
                    text.Append(r.Attribute("name")?.Value);
                    break;
                case XElement e:
                    text.Append(e.Value);
                    break;
            }
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
