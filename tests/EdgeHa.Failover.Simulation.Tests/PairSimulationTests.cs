using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>
/// The deterministic simulation of the pair under seeded fault schedules. EDGEHA_SIM_SEED=n replays one seed with its
/// trace; EDGEHA_SIM_SCHEDULES=n changes how many schedules run.
/// </summary>
public sealed class PairSimulationTests(ITestOutputHelper output)
{
    private const int DefaultSchedules = 10_000;

    [Fact]
    public void Run_DefaultPolicyUnderRandomFaults_HoldsEveryInvariant() =>
        RunAndReport("simulation", FailoverPolicy.Default, DefaultSchedules, 0);

    [Fact]
    public void Run_FastPolicyUnderRandomFaults_HoldsEveryInvariant() =>
        RunAndReport("simulation (fast policy: 500/1000 ms probes x2, lease 2000/500 ms, skew 200 ms)", FastPolicy, 2_000, 1_000_000);

    internal static FailoverPolicy FastPolicy { get; } = FailoverPolicy.Default with
    {
        ProbePeriod = TimeSpan.FromMilliseconds(500),
        ProbeTimeout = TimeSpan.FromMilliseconds(1000),
        FailureThreshold = 2,
        LeaseDuration = TimeSpan.FromMilliseconds(2000),
        RenewInterval = TimeSpan.FromMilliseconds(500),
        ClockSkewMargin = TimeSpan.FromMilliseconds(200),
        FailbackStabilization = TimeSpan.FromSeconds(10),
        StartupGrace = TimeSpan.FromSeconds(2),
    };

    private void RunAndReport(string title, FailoverPolicy policy, int defaultCount, ulong seedOffset)
    {
        var (seeds, replay) = SimulationRunner.SeedsFromEnvironment(defaultCount, seedOffset);
        var summary = SimulationRunner.Run(seeds, policy, SimVariant.Correct, trace: replay);

        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture,
            $"{title}: {summary.Schedules} schedules, {summary.ViolatingSchedules} violations, ")
            .Append(CultureInfo.InvariantCulture,
            $"worst failover hot {summary.WorstHotMs / 1000.0:0.0} s (predicted {summary.PredictedMs / 1000.0:0.0} s), ")
            .Append(CultureInfo.InvariantCulture,
            $"cold {summary.WorstColdMs / 1000.0:0.0} s (predicted {summary.PredictedMs / 1000.0:0.0} s + cold start {PairSimulation.ColdStartAllowanceMs / 1000.0:0.0} s; worst seed {summary.WorstSeed}), ")
            .Append(CultureInfo.InvariantCulture,
            $"{summary.Measured} failovers measured ({summary.MeasuredSkipped} skipped: not steady at the failure), {summary.Events} events");
        foreach (var failure in summary.Failures.Take(5))
        {
            report.AppendLine().Append(CultureInfo.InvariantCulture, $"  seed {failure.Seed}: {string.Join(" | ", failure.Violations)}")
                .AppendLine().Append(CultureInfo.InvariantCulture, $"  replay: EDGEHA_SIM_SEED={failure.Seed} dotnet test tests/EdgeHa.Failover.Simulation.Tests --logger \"console;verbosity=detailed\"");
        }

        Publish(report.ToString());
        if (replay)
        {
            // A replayed seed prints its whole trace, failing or not.
            var single = new PairSimulation(seeds[0], policy, SimVariant.Correct, trace: true).Run();
            Publish(string.Join(Environment.NewLine, single.Trace));
        }

        Assert.True(summary.ViolatingSchedules == 0, report.ToString());
        Assert.True(replay || summary.Measured > summary.Schedules / 10, $"too few failovers measured: {summary.Measured}");
    }

    [Theory]
    [InlineData("FencingOff")]
    [InlineData("CollectorsIgnoreExpiry")]
    public void Run_BrokenFencing_CatchesDualActive(string variantName)
    {
        var variant = Enum.Parse<SimVariant>(variantName);
        var seeds = Enumerable.Range(0, 1_000).Select(i => SimulationRunner.BaseSeed + (ulong)i).ToList();
        var summary = SimulationRunner.Run(seeds, FailoverPolicy.Default, variant);
        var dual = summary.Failures.Where(f => f.Violations.Any(v => v.StartsWith("dual active", StringComparison.Ordinal))).ToList();

        Publish($"simulation ({variant}, deliberately broken): {summary.Schedules} schedules, {summary.ViolatingSchedules} violating, {dual.Count} with dual-active"
            + (dual.Count > 0 ? $"; first: seed {dual[0].Seed}: {dual[0].Violations[0]}" : ""));
        Assert.NotEmpty(dual);
    }

    [Fact]
    public void Run_SameSeedTwice_SameOutcome()
    {
        var first = new PairSimulation(SimulationRunner.BaseSeed + 7, FailoverPolicy.Default, SimVariant.Correct, trace: true).Run();
        var second = new PairSimulation(SimulationRunner.BaseSeed + 7, FailoverPolicy.Default, SimVariant.Correct, trace: true).Run();

        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Events, second.Events);
    }

    private void Publish(string text)
    {
        output.WriteLine(text);
        Console.WriteLine(text);
    }
}
