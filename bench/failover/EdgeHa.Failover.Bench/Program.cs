using System.Globalization;
using EdgeHa.Failover.Bench;

// Failover switch latency and the operator at scale on the sandbox. Usage:
//   EdgeHa.Failover.Bench --operator-dll PATH [--work DIR] [--failovers 20] [--pairs 200,1000] [--scale-failovers 20]
//                         [--budget-seconds 240] [--phase all|switch|handover|scale]
// Prints a human table and, for bench/run-all.sh, one "ROW<TAB>figure<TAB>value<TAB>goal<TAB>met" line per figure.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(options.BudgetSeconds + 120));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// 2,000 pods' listeners and lease holders plus the API server share this process: start with enough pool threads
// that a burst of blocking-free but numerous continuations does not wait for thread injection.
ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 16), Math.Max(64, Environment.ProcessorCount * 16));
var table = new ResultTable();
var bench = new FailoverBench(options, table, Console.Out);
try
{
    await bench.RunAsync(cancel.Token);
}
catch (OperationCanceledException)
{
    Console.Out.WriteLine("benchmark cancelled: hard time limit reached");
}

table.Print(Console.Out);
return 0;

/// <summary>The command line.</summary>
internal sealed record BenchOptions(string OperatorDll, string WorkDirectory, int Failovers, IReadOnlyList<int> Pairs, int ScaleFailovers, int BudgetSeconds, string Phase)
{
    public const string Usage = "usage: EdgeHa.Failover.Bench --operator-dll PATH [--work DIR] [--failovers N] [--pairs N[,N...]] [--scale-failovers N] [--budget-seconds S] [--phase all|switch|handover|scale]";

    public static BenchOptions? Parse(string[] args)
    {
        string? dll = null;
        var work = Path.Combine(Path.GetTempPath(), "edgeha-failover-bench");
        int failovers = 20, scaleFailovers = 20, budget = 600;
        IReadOnlyList<int> pairs = [10, 100, 300, 1000]; // the cost curve
        var phase = "all";
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--operator-dll": dll = Next(); break;
                    case "--work": work = Next(); break;
                    case "--failovers": failovers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--pairs": pairs = [.. Next().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))]; break;
                    case "--scale-failovers": scaleFailovers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--budget-seconds": budget = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--phase": phase = Next(); break;
                    default: Console.Error.WriteLine($"unknown argument {args[i]}"); return null;
                }
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return null;
            }
        }

        if (dll is null || !File.Exists(dll))
        {
            Console.Error.WriteLine($"--operator-dll: '{dll}' does not exist (build src/EdgeHa.Operator first)");
            return null;
        }

        if (pairs.Count == 0 || pairs.Any(n => n is < 1 or > 1000) || phase is not ("all" or "switch" or "handover" or "scale"))
        {
            Console.Error.WriteLine("--pairs: sizes 1..1000, comma-separated; --phase all, switch, handover or scale");
            return null;
        }

        return new BenchOptions(dll, work, failovers, pairs, scaleFailovers, budget, phase);
    }
}
