using System.Globalization;

namespace EdgeHa.TestSupport;

/// <summary>
/// A /metrics page as Prometheus reads it: the sample lines (name, labels, value) and each family's <c># TYPE</c>.
/// Lookups match a series by name and a subset of its labels, so a test names the labels it cares about and stays
/// valid when the exporter adds others.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(string text, IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Text = text;
        Samples = samples;
        Types = types;
    }

    public string Text { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Family name to its type (counter, gauge, histogram, ...).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>GETs <paramref name="url"/> and parses the answer (which must be 200).</summary>
    public static async Task<PrometheusScrape> GetAsync(HttpClient http, Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                samples.Add(ParseSample(line));
            }
        }

        return new PrometheusScrape(text, samples, types);
    }

    /// <summary>
    /// The value of the series <paramref name="series"/>, written as in the text format (<c>name</c> or
    /// <c>name{label="value",...}</c>) and matched on the labels it names; null when no series matches.
    /// </summary>
    public double? Value(string series)
    {
        var wanted = ParseSample(series + " 0");
        return Samples.FirstOrDefault(s => s.Name == wanted.Name && wanted.Labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))?.Value;
    }

    /// <summary>Every series of the metric <paramref name="name"/>.</summary>
    public IEnumerable<PrometheusSample> Series(string name) => Samples.Where(s => s.Name == name);

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                var value = new System.Text.StringBuilder();
                var j = eq + 2; // past ="
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                labels[key] = value.ToString();
                i = line[j + 1] == ',' ? j + 2 : j + 1;
            }

            rest = i + 1;
        }
        else
        {
            name = line[..space];
            rest = space;
        }

        var fields = line[rest..].Trim().Split(' ');
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var f => double.Parse(f, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}

/// <summary>One sample line of a scrape.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
