using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeHa.Api;
using EdgeHa.Operator.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Operator.Tests;

/// <summary>
/// The chart's Grafana dashboard (charts/edge-ha-operator/dashboards/edge-ha-fleet.json) against what a running operator
/// prints on /metrics: every metric its queries name is exported, with the labels the queries select and group by.
/// </summary>
public sealed partial class FleetDashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset" };
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private TestCluster _cluster = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(Ct, LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output)).SetMinimumLevel(LogLevel.Warning)));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Queries_AfterAFailover_NameOnlyExportedMetricsAndLabels()
    {
        // Leader election on, so its series exist; a failover, so the failover, detection and switch series exist.
        var host = await _cluster.StartOperatorAsync(Ct, leaderElect: true, identity: "operator-1");
        await _cluster.CreatePairAsync(_cluster.NewPair(), Ct);
        await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, TestCluster.NodeA), Settle, "placement", Ct);
        _cluster.Nodes[TestCluster.NodeA].Health = HealthMode.Failing;
        await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, TestCluster.NodeB), Settle, "failover", Ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // The detection time comes from the status update the informer delivers, maybe a moment after the wait saw it.
        var deadline = DateTime.UtcNow + Settle;
        string scrape;
        while (!(scrape = await http.GetStringAsync(new Uri(host.MetricsUrls[0], "/metrics"), Ct)).Contains("redundantpair_failure_detection_seconds_count{", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the failover's detection time never reached /metrics");
            await Task.Delay(50, Ct);
        }

        var exported = Series(scrape);

        var queries = Queries(LoadDashboard()).ToList();
        var checkedMetrics = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (panel, expr) in queries)
        {
            var q = Parse(expr);
            foreach (var metric in q.Metrics)
            {
                checkedMetrics.Add(metric);
                if (!exported.TryGetValue(metric, out var labels))
                {
                    problems.Add($"{panel}: {metric} is not on /metrics");
                    continue;
                }

                foreach (var label in q.Matched.TryGetValue(metric, out var matched) ? matched : [])
                {
                    if (!labels.Contains(label))
                    {
                        problems.Add($"{panel}: {metric} has no label {label} to match");
                    }
                }
            }

            // A grouping label must exist on what is aggregated, or the panel shows one unlabelled series.
            foreach (var label in q.GroupedBy.Where(l => !q.Metrics.Any(m => exported.TryGetValue(m, out var ls) && ls.Contains(l))))
            {
                problems.Add($"{panel}: no metric of `{expr}` has the label {label} it groups by");
            }
        }

        output.WriteLine($"{queries.Count} queries, {checkedMetrics.Count} metrics: {string.Join(", ", checkedMetrics.Order(StringComparer.Ordinal))}");
        Assert.Empty(problems);
        // The extraction itself found the dashboard's metrics (an empty set would pass vacuously).
        Assert.Contains("redundantpair_status_phase", checkedMetrics);
        Assert.Contains("redundantpair_failure_detection_seconds_bucket", checkedMetrics);
        Assert.Contains("workqueue_depth", checkedMetrics);
    }

    [Theory]
    [InlineData("sum by (phase) (redundantpair_status_phase{namespace=~\"$namespace\", name=~\"$pair\"})", "redundantpair_status_phase", "namespace,name", "phase")]
    [InlineData("histogram_quantile(0.95, sum by (le) (rate(x_seconds_bucket{name=~\"a|b\"}[$__rate_interval])))", "x_seconds_bucket", "name", "le")]
    [InlineData("max(leader_election_master_status)", "leader_election_master_status", "", "")]
    [InlineData("sum(increase(a_total[5m])) / sum(b_total offset 1h)", "a_total,b_total", "", "")]
    public void Parse_QueryShapes_FindsMetricsMatchersAndGroupings(string expr, string metrics, string matched, string groupedBy)
    {
        var q = Parse(expr);

        Assert.Equal(metrics.Split(',').Order(StringComparer.Ordinal), q.Metrics.Order(StringComparer.Ordinal));
        Assert.Equal(matched.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), q.Matched.Values.SelectMany(v => v).Order(StringComparer.Ordinal));
        Assert.Equal(groupedBy.Split(',', StringSplitOptions.RemoveEmptyEntries), q.GroupedBy);
    }

    private static bool ActiveOn(RedundantPair p, string node) =>
        p.Status is { ActiveNode: var a, Phase: PairPhase.Active, LastTransition.SwitchMilliseconds: not null } && a == node;

    private static JsonDocument LoadDashboard()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeHaOperator.sln")))
            {
                return JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "charts", "edge-ha-operator", "dashboards", "edge-ha-fleet.json")));
            }
        }

        throw new DirectoryNotFoundException("EdgeHaOperator.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<(string Panel, string Expr)> Queries(JsonDocument dashboard)
    {
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                yield return ($"panel \"{panel.GetProperty("title").GetString()}\"", target.GetProperty("expr").GetString()!);
            }
        }
    }

    /// <summary>Every sample name on the page (histograms as their _bucket, _sum and _count) with the label names it carries.</summary>
    private static Dictionary<string, HashSet<string>> Series(string scrape)
    {
        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
        {
            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"not a sample line: {line}");
            var labels = series.TryGetValue(m.Groups["name"].Value, out var l) ? l : series[m.Groups["name"].Value] = new(StringComparer.Ordinal);
            foreach (Match label in LabelName().Matches(m.Groups["labels"].Value))
            {
                labels.Add(label.Groups[1].Value);
            }
        }

        return series;
    }

    /// <summary>
    /// The metric names of a PromQL expression of the shapes dashboards use: selectors with matchers, range vectors,
    /// functions, aggregations with by/without, binary operators. Strings, ranges and groupings are cut out first, so
    /// what remains that is not a function call or keyword is a metric name.
    /// </summary>
    internal static (HashSet<string> Metrics, Dictionary<string, List<string>> Matched, List<string> GroupedBy) Parse(string expr)
    {
        var rest = QuotedString().Replace(expr, "\"\"");
        var matched = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        rest = Selector().Replace(rest, m =>
        {
            matched[m.Groups["metric"].Value] = [.. MatcherLabel().Matches(m.Groups["matchers"].Value).Select(l => l.Groups[1].Value)];
            return m.Groups["metric"].Value + " ";
        });
        var groupedBy = new List<string>();
        rest = Grouping().Replace(rest, m =>
        {
            groupedBy.AddRange(m.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return " ";
        });
        rest = RangeOrOffset().Replace(rest, " ");
        var metrics = Identifier().Matches(rest)
            .Where(m => !rest[(m.Index + m.Length)..].TrimStart().StartsWith('(') && !Keywords.Contains(m.Value))
            .Select(m => m.Value)
            .ToHashSet(StringComparer.Ordinal);
        return (metrics, matched, groupedBy);
    }

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>.*)\\})? \\S+$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex LabelName();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex("(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{(?<matchers>[^}]*)\\}")]
    private static partial Regex Selector();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();

    [GeneratedRegex("\\b(?:by|without)\\s*\\((?<labels>[^)]*)\\)")]
    private static partial Regex Grouping();

    [GeneratedRegex("\\[[^\\]]*\\]|\\boffset\\s+\\S+")]
    private static partial Regex RangeOrOffset();

    [GeneratedRegex("(?<![\\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
