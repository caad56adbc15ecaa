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
    public void Run_DefaultPolicyUnderRandomFaults_HoldsEveryInvariant()
    {
        var (seeds, replay) = SimulationRunner.SeedsFromEnvironment(DefaultSchedules);
        var summary = SimulationRunner.Run(seeds, FailoverPolicy.Default, SimVariant.Correct, trace: replay);

        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture,
            $"simulation: {summary.Schedules} schedules, {summary.ViolatingSchedules} violations, ")
            .Append(CultureInfo.InvariantCulture,
            $"worst failover hot {summary.WorstHotMs / 1000.0:0.0} s (predicted {summary.PredictedMs / 1000.0:0.0} s), ")
            .Append(CultureInfo.InvariantCulture,
            $"cold {summary.WorstColdMs / 1000.0:0.0} s (predicted {summary.PredictedMs / 1000.0:0.0} s + cold start {PairSimulation.ColdStartAllowanceMs / 1000.0:0.0} s; worst seed {summary.WorstSeed}), ")
            .Append(CultureInfo.InvariantCulture,
            $"{summary.Measured} failovers measured ({summary.MeasuredSkipped} skipped: not steady at the failure), {summary.Events} events");
        foreach (var failure in summary.Failures.Take(5))
        {
            report.AppendLine().Append(CultureInfo.InvariantCulture, $"  seed {failure.Seed}: {string.Join(" | ", failure.Violations)}")
                .AppendLine().Append(CultureInfo.InvariantCulture, $"  replay: EDGEHA_SIM_SEED={failure.Seed} dotnet test tests/EdgeHa.Failover.Simulation.Tests");
        }

        if (replay)
        {
            foreach (var line in summary.Failures.Concat([]).SelectMany(f => f.Trace).DefaultIfEmpty())
            {
                report.AppendLine().Append(line);
            }
        }

        Publish(report.ToString());
        if (replay && summary.Failures.Count == 0)
        {
            // A replayed seed that passes still prints its trace, for study.
            var single = new PairSimulation(seeds[0], FailoverPolicy.Default, SimVariant.Correct, trace: true).Run();
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
