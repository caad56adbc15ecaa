using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace EdgeHa.Controller.Metrics;

/// <summary>
/// Collects System.Diagnostics.Metrics instruments from a set of meters and renders them in the Prometheus text
/// exposition format 0.0.4 (what <c>/metrics</c> serves; prometheus-net does not restore here).
/// <list type="bullet">
/// <item>Counter / ObservableCounter -> <c>counter</c> (the instrument name is used as is, so name counters <c>..._total</c>).</item>
/// <item>UpDownCounter / ObservableUpDownCounter / Gauge / ObservableGauge -> <c>gauge</c>.</item>
/// <item>Histogram -> <c>histogram</c> with cumulative <c>_bucket{le=...}</c>, <c>_sum</c> and <c>_count</c>; bucket bounds
/// from the instrument's advice (<see cref="InstrumentAdvice{T}.HistogramBucketBoundaries"/>) or <see cref="DefaultBuckets"/>.
/// A NaN measurement creates a histogram's series at zero and counts nothing: the way to zero-initialise the series of a
/// rare event (client_golang's <c>WithLabelValues</c>), since rate() and increase() only see increases after a series' first sample.</item>
/// </list>
/// Each tag set is one series. Names are sanitised to the Prometheus alphabet, label values escaped, families and
/// series sorted so the output is stable. Observable instruments are read at every render, and their series that
/// were not reported again disappear. Instruments of different meters with one name share a family.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The Content-Type of the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Prometheus' default histogram buckets.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _gate = new();
    private readonly HashSet<string> _meterNames;
    private readonly MeterListener _listener;
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<Instrument, Family> _byInstrument = [];
    private bool _disposed;

    /// <summary>Starts listening to every instrument, present and future, of the named meters.</summary>
    public PrometheusExporter(IEnumerable<string> meterNames)
    {
        ArgumentNullException.ThrowIfNull(meterNames);
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (_meterNames.Contains(instrument.Meter.Name) && Register(instrument))
                {
                    listener.EnableMeasurementEvents(instrument, this);
                }
            },
            MeasurementsCompleted = (instrument, _) => Unregister(instrument),
        };
        _listener.SetMeasurementEventCallback<byte>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<short>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<float>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<decimal>((i, v, t, _) => Record(i, (double)v, t));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every family.</summary>
    public string Render()
    {
        var builder = new StringBuilder();
        using (var writer = new StringWriter(builder, CultureInfo.InvariantCulture))
        {
            Write(writer);
        }

        return builder.ToString();
    }

    /// <summary>Reads the observable instruments and writes every family to <paramref name="writer"/>.</summary>
    public void Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var family in _families.Values)
            {
                family.BeginCollect();
            }
        }

        // Outside the lock: observable callbacks run user code and report through Record.
        _listener.RecordObservableInstruments();

        lock (_gate)
        {
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.Write(writer);
            }
        }
    }

    /// <summary>Writes the exposition to a stream as UTF-8 (for an HTTP response body).</summary>
    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = Encoding.UTF8.GetBytes(Render());
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _listener.Dispose();
    }

    /// <summary>Turns any string into a valid metric name: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    internal static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Turns any string into a valid label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    internal static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Escapes HELP text: backslash and line feed.</summary>
    internal static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Formats a sample value: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private bool Register(Instrument instrument)
    {
        var kind = instrument switch
        {
            Counter<byte> or Counter<short> or Counter<int> or Counter<long> or Counter<float> or Counter<double> or Counter<decimal> => Kind.Counter,
            _ when IsGeneric(instrument, typeof(ObservableCounter<>)) => Kind.ObservableCounter,
            _ when IsGeneric(instrument, typeof(UpDownCounter<>)) => Kind.UpDownCounter,
            _ when IsGeneric(instrument, typeof(ObservableUpDownCounter<>)) || IsGeneric(instrument, typeof(ObservableGauge<>)) => Kind.ObservableGauge,
            _ when IsGeneric(instrument, typeof(Gauge<>)) => Kind.Gauge,
            _ when IsGeneric(instrument, typeof(Histogram<>)) => Kind.Histogram,
            _ => Kind.Unsupported,
        };
        if (kind == Kind.Unsupported)
        {
            return false;
        }

        var name = SanitizeMetricName(instrument.Name);
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            if (!_families.TryGetValue(name, out var family))
            {
                family = new Family(name, TypeOf(kind), instrument.Description ?? "", BucketsOf(instrument));
                _families[name] = family;
            }
            else if (family.Type != TypeOf(kind))
            {
                // Two instruments of different kinds under one name cannot share a family; the first one wins.
                return false;
            }

            family.Instruments[instrument] = kind;
            _byInstrument[instrument] = family;
            return true;
        }
    }

    private void Unregister(Instrument instrument)
    {
        lock (_gate)
        {
            if (_byInstrument.Remove(instrument, out var family))
            {
                family.Instruments.Remove(instrument);
                family.RemoveSeriesOf(instrument);
                if (family.Instruments.Count == 0)
                {
                    _families.Remove(family.Name);
                }
            }
        }
    }

    private static string TypeOf(Kind kind) => kind switch
    {
        Kind.Counter or Kind.ObservableCounter => "counter",
        Kind.Histogram => "histogram",
        _ => "gauge",
    };

    private static bool IsGeneric(Instrument instrument, Type open) =>
        instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == open;

    private static double[] BucketsOf(Instrument instrument)
    {
        IReadOnlyList<double>? bounds = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        return [.. (bounds ?? DefaultBuckets).Where(b => !double.IsNaN(b) && !double.IsPositiveInfinity(b)).Distinct().Order()];
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = LabelsOf(tags);
        lock (_gate)
        {
            if (_byInstrument.TryGetValue(instrument, out var family) && family.Instruments.TryGetValue(instrument, out var kind))
            {
                family.Record(instrument, kind, labels, value);
            }
        }
    }

    private static string LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            var value = tag.Value switch
            {
                null => "",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString() ?? "",
            };
            pairs[SanitizeLabelName(tag.Key)] = value;
        }

        return string.Join(',', pairs.Select(p => $"{p.Key}=\"{EscapeLabelValue(p.Value)}\""));
    }

    private enum Kind
    {
        Unsupported,
        Counter,
        ObservableCounter,
        UpDownCounter,
        Gauge,
        ObservableGauge,
        Histogram,
    }

    private sealed class Family(string name, string type, string help, double[] buckets)
    {
        private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public string Type { get; } = type;

        public Dictionary<Instrument, Kind> Instruments { get; } = [];

        public void BeginCollect()
        {
            // Observable series are rebuilt from this collection's callbacks; unreported ones vanish.
            foreach (var (key, series) in _series.ToArray())
            {
                if (series.Observable)
                {
                    _series.Remove(key);
                }
            }
        }

        public void RemoveSeriesOf(Instrument instrument)
        {
            foreach (var (key, series) in _series.ToArray())
            {
                if (ReferenceEquals(series.Source, instrument))
                {
                    _series.Remove(key);
                }
            }
        }

        public void Record(Instrument instrument, Kind kind, string labels, double value)
        {
            if (!_series.TryGetValue(labels, out var series))
            {
                series = new Series(instrument, kind is Kind.ObservableCounter or Kind.ObservableGauge, kind == Kind.Histogram ? new long[buckets.Length] : null);
                _series[labels] = series;
            }

            switch (kind)
            {
                case Kind.Counter:
                    if (value >= 0 && !double.IsNaN(value))
                    {
                        series.Value += value;
                    }

                    break;
                case Kind.UpDownCounter:
                    series.Value += value;
                    break;
                case Kind.ObservableCounter:
                case Kind.Gauge:
                case Kind.ObservableGauge:
                    series.Value = value;
                    break;
                case Kind.Histogram:
                    if (double.IsNaN(value))
                    {
                        break;
                    }

                    series.Count++;
                    series.Value += value;
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        if (value <= buckets[i])
                        {
                            series.Buckets![i]++;
                            break;
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        public void Write(TextWriter writer)
        {
            if (_series.Count == 0)
            {
                return;
            }

            if (help.Length > 0)
            {
                writer.Write($"# HELP {Name} {EscapeHelp(help)}\n");
            }

            writer.Write($"# TYPE {Name} {Type}\n");
            foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (series.Buckets is { } counts)
                {
                    long cumulative = 0;
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        cumulative += counts[i];
                        writer.Write($"{Name}_bucket{{{Join(labels, $"le=\"{FormatValue(buckets[i])}\"")}}} {cumulative}\n");
                    }

                    writer.Write($"{Name}_bucket{{{Join(labels, "le=\"+Inf\"")}}} {series.Count}\n");
                    writer.Write($"{Name}_sum{Braced(labels)} {FormatValue(series.Value)}\n");
                    writer.Write($"{Name}_count{Braced(labels)} {series.Count}\n");
                }
                else
                {
                    writer.Write($"{Name}{Braced(labels)} {FormatValue(series.Value)}\n");
                }
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : $"{labels},{extra}";

        private static string Braced(string labels) => labels.Length == 0 ? "" : $"{{{labels}}}";
    }

    private sealed class Series(Instrument source, bool observable, long[]? buckets)
    {
        public Instrument Source { get; } = source;

        public bool Observable { get; } = observable;

        public long[]? Buckets { get; } = buckets;

        public double Value { get; set; }

        public long Count { get; set; }
    }
}
