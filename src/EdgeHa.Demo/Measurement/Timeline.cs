using System.Globalization;
using System.Text;

namespace EdgeHa.Demo.Measurement;

/// <summary>The story of a run, assembled from several sources and printed in time order relative to an origin. Thread-safe.</summary>
public sealed class Timeline
{
    private readonly Lock _gate = new();
    private readonly List<TimelineEntry> _entries = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    public void Add(DateTimeOffset at, string source, string text)
    {
        lock (_gate)
        {
            _entries.Add(new TimelineEntry(at, source, text));
        }
    }

    /// <summary>Adds an entry once per <paramref name="key"/> (Events are seen by every poll); false when it was already there.</summary>
    public bool AddOnce(string key, DateTimeOffset at, string source, string text)
    {
        lock (_gate)
        {
            if (!_keys.Add(key))
            {
                return false;
            }

            _entries.Add(new TimelineEntry(at, source, text));
            return true;
        }
    }

    /// <summary>The entries in time order; entries at the same instant keep the order they were added in.</summary>
    public IReadOnlyList<TimelineEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.Select((e, i) => (e, i)).OrderBy(x => x.e.At).ThenBy(x => x.i).Select(x => x.e).ToList();
            }
        }
    }

    /// <summary>One line per entry: <c>t+   1234 ms  source  text</c>, times relative to <paramref name="origin"/>.</summary>
    public string Render(DateTimeOffset origin)
    {
        var sb = new StringBuilder();
        foreach (var e in Entries)
        {
            var ms = (long)Math.Round((e.At - origin).TotalMilliseconds);
            sb.Append(CultureInfo.InvariantCulture, $"  t+{ms,7} ms  {e.Source,-6}  {e.Text}").Append('\n');
        }

        return sb.ToString();
    }
}
