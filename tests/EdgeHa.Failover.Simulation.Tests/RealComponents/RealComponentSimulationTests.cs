using System.Collections.Concurrent;
using System.Globalization;
using Xunit.Abstractions;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// Seeded fault schedules over the shipped holder and grantor (<see cref="RealPairWorld"/>). Replay one seed with
/// EDGEHA_SIM_SEED=n: it runs alone and prints its timeline.
/// </summary>
public sealed class RealComponentSimulationTests(ITestOutputHelper output)
{
    private const int Schedules = 10_000;
    private const int BrokenSchedules = 1_000;

    [Fact]
    public void Run_ShippedFencingUnderRandomFaults_NeverTwoActingAndConverges()
    {
        var (violations, promotions) = RunMany(Schedules, GrantorVariant.Shipped);
        var line = $"simulation (real holder + grantor): {Schedules} schedules, {violations.Count} violations, {promotions} grants";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(violations.IsEmpty, string.Join(Environment.NewLine, violations.Take(5)));
    }

    [Theory]
    [InlineData(GrantorVariant.EmptyHolderIsRelease)]
    [InlineData(GrantorVariant.CurrentDurationOnly)]
    [InlineData(GrantorVariant.WallClockWaits)]
    public void Run_DeliberatelyBrokenGrantor_IsCaught(GrantorVariant variant)
    {
        var (violations, _) = RunMany(BrokenSchedules, variant);
        var caught = violations.Select(v => v.Split(':')[0]).Distinct().Count();
        var line = $"deliberately broken ({variant}): caught in {caught}/{BrokenSchedules} schedules";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(caught > 0, $"{variant} was not caught");
    }

    private (ConcurrentBag<string> Violations, long Promotions) RunMany(int count, GrantorVariant variant)
    {
        if (Environment.GetEnvironmentVariable("EDGEHA_SIM_SEED") is { } only && int.TryParse(only, CultureInfo.InvariantCulture, out var seed))
        {
            var world = new RealPairWorld(seed, variant);
            world.Run();
            foreach (var line in world.Log.Concat(world.Violations))
            {
                output.WriteLine(line);
            }

            return (new ConcurrentBag<string>(world.Violations.Select(v => $"seed {seed}: {v}")), world.Promotions);
        }

        var violations = new ConcurrentBag<string>();
        long promotions = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, s =>
        {
            var world = new RealPairWorld(s, variant);
            world.Run();
            Interlocked.Add(ref promotions, world.Promotions);
            foreach (var v in world.Violations)
            {
                violations.Add($"seed {s}: {v} (replay: EDGEHA_SIM_SEED={s})");
            }
        });
        return (violations, promotions);
    }
}
