using System.Collections.Concurrent;
using System.Globalization;

namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>Runs many seeded schedules in parallel and sums them up; every schedule is independent and deterministic.</summary>
internal static class SimulationRunner
{
    public const ulong BaseSeed = 20_260_101;

    public sealed record Summary(
        int Schedules,
        int ViolatingSchedules,
        IReadOnlyList<ScheduleResult> Failures,
        int Measured,
        int MeasuredSkipped,
        long WorstFailoverMs,
        ulong WorstSeed,
        long WorstHotMs,
        long WorstColdMs,
        long ColdBoundMs,
        long PredictedMs,
        long Events);

    /// <summary>EDGEHA_SIM_SEED runs exactly that seed; EDGEHA_SIM_SCHEDULES overrides the count.</summary>
    public static (IReadOnlyList<ulong> Seeds, bool Replay) SeedsFromEnvironment(int defaultCount, ulong seedOffset = 0)
    {
        if (ulong.TryParse(Environment.GetEnvironmentVariable("EDGEHA_SIM_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            return ([seed], true);
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("EDGEHA_SIM_SCHEDULES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : defaultCount;
        return (Enumerable.Range(0, count).Select(i => BaseSeed + seedOffset + (ulong)i).ToList(), false);
    }

    public static Summary Run(IReadOnlyList<ulong> seeds, FailoverPolicy policy, SimVariant variant, bool trace = false)
    {
        var results = new ConcurrentBag<ScheduleResult>();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
            results.Add(new PairSimulation(seed, policy, variant, trace).Run()));
        var all = results.OrderBy(r => r.Seed).ToList();
        var failures = all.Where(r => r.Violations.Count > 0).ToList();
        var measured = all.Where(r => r.MeasuredFailoverMs is not null).ToList();
        var worst = measured.OrderByDescending(r => r.MeasuredFailoverMs).FirstOrDefault();
        return new Summary(all.Count, failures.Count, failures, measured.Count, all.Count(r => r.MeasuredSkipped),
            worst?.MeasuredFailoverMs ?? 0, worst?.Seed ?? 0,
            measured.Where(r => !r.Cold).Select(r => r.MeasuredFailoverMs!.Value).DefaultIfEmpty().Max(),
            measured.Where(r => r.Cold).Select(r => r.MeasuredFailoverMs!.Value).DefaultIfEmpty().Max(),
            all.Where(r => r.Cold).Select(r => r.BoundMs).DefaultIfEmpty().Max(),
            FailoverTiming.PredictWorstCase(policy).Total.Ticks / TimeSpan.TicksPerMillisecond, all.Sum(r => r.Events));
    }
}
