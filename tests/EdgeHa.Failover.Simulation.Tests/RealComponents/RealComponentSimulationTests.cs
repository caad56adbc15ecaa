using System.Collections.Concurrent;
using System.Globalization;
using Xunit.Abstractions;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// Seeded fault schedules over the shipped holder, grantor and collector sample path (<see cref="RealPairWorld"/>).
/// Replay one seed with EDGEHA_SIM_SEED=n: it runs alone and prints its timeline.
/// </summary>
public sealed class RealComponentSimulationTests(ITestOutputHelper output)
{
    private const int BrokenSchedules = 1_000;

    private static int Schedules => int.TryParse(Environment.GetEnvironmentVariable("EDGEHA_SIM_REAL_SCHEDULES"), CultureInfo.InvariantCulture, out var n) ? n : 10_000;

    [Fact]
    public void Run_ShippedFencingUnderRandomFaults_NeverTwoActingAndConverges()
    {
        var run = RunMany(Schedules, GrantorVariant.Shipped, CollectorVariant.Shipped);
        var line = $"simulation (real holder + grantor + collector): {run.Schedules} schedules, {run.Violations.Count} violations, {run.Promotions} grants; "
            + $"{run.Emitted} samples emitted, {run.Duplicates} duplicates, {run.Lost} lost across failovers ({run.Unbuffered} never buffered by the next active, {run.Dropped} dropped by full outboxes), {run.EpochReuses} epochs shared by two holdings";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(run.Violations.IsEmpty, string.Join(Environment.NewLine, run.Violations.Take(5)));
    }

    [Theory]
    [InlineData(GrantorVariant.EmptyHolderIsRelease)]
    [InlineData(GrantorVariant.CurrentDurationOnly)]
    [InlineData(GrantorVariant.WallClockWaits)]
    public void Run_DeliberatelyBrokenGrantor_IsCaught(GrantorVariant variant)
    {
        var run = RunMany(BrokenSchedules, variant, CollectorVariant.Shipped);
        Report(variant.ToString(), run);
    }

    [Theory]
    [InlineData(CollectorVariant.SinkFencesOnAccept)]
    [InlineData(CollectorVariant.SinkAcksBeforeDelivery)]
    public void Run_DeliberatelyBrokenCollector_IsCaught(CollectorVariant variant)
    {
        var run = RunMany(BrokenSchedules, GrantorVariant.Shipped, variant);
        Report(variant.ToString(), run);
    }

    private void Report(string variant, Run run)
    {
        var caught = run.Violations.Select(v => v.Split(':')[0]).Distinct().Count();
        var line = $"deliberately broken ({variant}): caught in {caught}/{run.Schedules} schedules";
        output.WriteLine(line);
        foreach (var example in run.Violations.OrderBy(v => v, StringComparer.Ordinal).Take(3))
        {
            output.WriteLine($"  {example}");
        }

        Console.WriteLine(line);
        Assert.True(caught > 0, $"{variant} was not caught");
    }

    private Run RunMany(int count, GrantorVariant variant, CollectorVariant collector)
    {
        var run = new Run();
        if (Environment.GetEnvironmentVariable("EDGEHA_SIM_SEED") is { } only && int.TryParse(only, CultureInfo.InvariantCulture, out var seed))
        {
            var world = new RealPairWorld(seed, variant, collector);
            world.Run();
            foreach (var line in world.Log.Concat(world.Violations))
            {
                output.WriteLine(line);
            }

            run.Add(world);
            return run;
        }

        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, s =>
        {
            var world = new RealPairWorld(s, variant, collector);
            world.Run();
            run.Add(world);
        });
        return run;
    }

    /// <summary>The figures of many schedules, added up from parallel runs.</summary>
    private sealed class Run
    {
        private long _schedules;
        private long _promotions;
        private long _emitted;
        private long _duplicates;
        private long _lost;
        private long _unbuffered;
        private long _dropped;
        private long _epochReuses;

        public ConcurrentBag<string> Violations { get; } = [];

        public long Schedules => _schedules;

        public long Promotions => _promotions;

        public long Emitted => _emitted;

        public long Duplicates => _duplicates;

        public long Lost => _lost;

        public long Unbuffered => _unbuffered;

        public long Dropped => _dropped;

        public long EpochReuses => _epochReuses;

        public void Add(RealPairWorld world)
        {
            Interlocked.Increment(ref _schedules);
            Interlocked.Add(ref _promotions, world.Promotions);
            Interlocked.Add(ref _emitted, world.Stream.Emitted);
            Interlocked.Add(ref _duplicates, world.Stream.Duplicates);
            Interlocked.Add(ref _lost, world.Stream.Lost);
            Interlocked.Add(ref _unbuffered, world.Stream.Unbuffered);
            Interlocked.Add(ref _dropped, world.Dropped);
            Interlocked.Add(ref _epochReuses, world.Stream.EpochReuses);
            foreach (var v in world.Violations)
            {
                Violations.Add($"seed {world.Seed}: {v} (replay: EDGEHA_SIM_SEED={world.Seed})");
            }
        }
    }
}
