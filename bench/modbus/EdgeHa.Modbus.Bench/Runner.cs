using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace EdgeHa.Modbus.Bench;

/// <summary>
/// Runs the side-by-side comparison: every server is loaded by the same libmodbus load generator (lmb_client) with
/// 1 and 10 closed-loop clients reading 10 holding registers; client round trips are measured against the libmodbus
/// server. Prints a table with ratios to libmodbus.
/// </summary>
internal static class Runner
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const int Rounds = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var bin = Option(args, "--bin") ?? throw new ArgumentException("--bin DIR (with lmb_server and lmb_client) is required.");
        var python = Option(args, "--python") ?? "/usr/bin/python3";
        var scriptDir = Option(args, "--script-dir") ?? Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..");
        var seconds = double.Parse(Option(args, "--seconds") ?? "3", CultureInfo.InvariantCulture);
        var lmbClient = Path.Combine(bin, "lmb_client");
        var self = SelfCommand();

        var servers = new List<ServerSpec>
        {
            new("libmodbus (C, select loop)", Path.Combine(bin, "lmb_server"), [], null),
            new("EdgeHa.Modbus", self.File, [.. self.Args, "serve"], null),
            new("EdgeHa.Modbus, inline completions", self.File, [.. self.Args, "serve"], InlineCompletions),
        };
        var pyScript = Path.GetFullPath(Path.Combine(scriptDir, "pymodbus_server.py"));
        if (File.Exists(python) && File.Exists(pyScript) && Run(python, ["-c", "import pymodbus"], null).ExitCode == 0)
        {
            servers.Add(new("pymodbus " + Run(python, ["-c", "import pymodbus; print(pymodbus.__version__)"], null).Output.Trim(), python, [pyScript], null));
        }
        else
        {
            Console.WriteLine($"pymodbus: skipped ({python} cannot import pymodbus or {pyScript} is missing)");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Modbus TCP over loopback, {Environment.ProcessorCount} cores, load average {LoadAverage()}, {seconds:F0} s per point, best of {Rounds} interleaved rounds."));
        Console.WriteLine("Request: read 10 holding registers (FC 03).");
        Console.WriteLine("Server load generator for every server: lmb_client (libmodbus), closed loop, one connection per client.");
        // All servers run side by side (idle ones cost nothing); rounds interleave them and the best round counts,
        // so a burst of unrelated load on the machine does not decide the comparison.
        var running = new List<(ServerSpec Spec, int Port, Process Process)>();
        var throughput = servers.Select(s => (s.Name, One: 0.0, Ten: 0.0)).ToList();
        try
        {
            foreach (var spec in servers)
            {
                var port = FreePort();
                running.Add((spec, port, Start(spec.File, [.. spec.Args, port.ToString(CultureInfo.InvariantCulture)], spec.Environment)));
            }

            foreach (var (_, port, process) in running)
            {
                await WaitListeningAsync(port, process);
                Measure(lmbClient, port, 10, 1); // warm-up (JIT, caches), discarded
            }

            for (var round = 0; round < Rounds; round++)
            {
                for (var k = 0; k < running.Count; k++)
                {
                    var i = (k + round) % running.Count; // rotate the order so no server is always measured first
                    var one = Measure(lmbClient, running[i].Port, 1, seconds);
                    var ten = Measure(lmbClient, running[i].Port, 10, seconds);
                    throughput[i] = (throughput[i].Name, Math.Max(throughput[i].One, one.Rps), Math.Max(throughput[i].Ten, ten.Rps));
                }
            }
        }
        finally
        {
            foreach (var (_, _, process) in running)
            {
                Stop(process);
                process.Dispose();
            }
        }

        Console.WriteLine();
        Console.WriteLine("Server throughput (requests/s)");
        Console.WriteLine($"{"server",-36} {"1 client",10} {"10 clients",11} {"x libmodbus (1)",16} {"x libmodbus (10)",17}");
        var baseline = throughput[0];
        foreach (var (name, one, ten) in throughput)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36} {one,10:F0} {ten,11:F0} {one / baseline.One,16:F2} {ten / baseline.Ten,17:F2}"));
        }

        // Client round trip: every client against the same libmodbus server.
        var rttPort = FreePort();
        var clients = new List<(string Name, Result Result)>();
        using (var server = Start(servers[0].File, [.. servers[0].Args, rttPort.ToString(CultureInfo.InvariantCulture)], null))
        {
            try
            {
                await WaitListeningAsync(rttPort, server);
                Measure(lmbClient, rttPort, 1, 1);
                var rttArgs = (string[])[.. self.Args, "rtt", "127.0.0.1", rttPort.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture)];
                var candidates = new (string Name, Func<Result> Measure)[]
                {
                    ("libmodbus client (C, blocking)", () => Measure(lmbClient, rttPort, 1, seconds)),
                    ("EdgeHa.Modbus client", () => Parse(Run(self.File, rttArgs, null).Output)),
                    ("EdgeHa.Modbus client, inline completions", () => Parse(Run(self.File, rttArgs, InlineCompletions).Output)),
                };
                var best = new Result?[candidates.Length];
                for (var round = 0; round < Rounds; round++)
                {
                    for (var i = 0; i < candidates.Length; i++)
                    {
                        var result = candidates[i].Measure();
                        best[i] = best[i] is { } previous && previous.P50 <= result.P50 ? previous : result;
                    }
                }

                clients.AddRange(candidates.Select((c, i) => (c.Name, best[i]!)));
            }
            finally
            {
                Stop(server);
            }
        }

        Console.WriteLine();
        Console.WriteLine("Client round trip against the libmodbus server (1 client, sequential)");
        Console.WriteLine($"{"client",-42} {"p50 us",8} {"p99 us",8} {"req/s",8} {"p50 x libmodbus",16}");
        foreach (var (name, result) in clients)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-42} {result.P50,8:F1} {result.P99,8:F1} {result.Rps,8:F0} {result.P50 / clients[0].Result.P50,16:F2}"));
        }

        Console.WriteLine();
        foreach (var (name, _, ten) in throughput.Where(t => t.Name.StartsWith("EdgeHa", StringComparison.Ordinal)))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"goal server >= 1.0x libmodbus at 10 clients [{name}]: {ten / baseline.Ten:F2}x ({(ten >= baseline.Ten ? "met" : "NOT met")})"));
        }

        foreach (var (name, result) in clients.Where(c => c.Name.StartsWith("EdgeHa", StringComparison.Ordinal)))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"goal client p50 <= 100 us [{name}]: {result.P50:F1} us ({(result.P50 <= 100 ? "met" : "NOT met")})"));
        }

        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed record ServerSpec(string Name, string File, string[] Args, string? Environment);

    private sealed record Result(double Rps, double P50, double P99, long Errors);

    private static Result Measure(string lmbClient, int port, int clients, double seconds) =>
        Parse(Run(lmbClient, ["127.0.0.1", port.ToString(CultureInfo.InvariantCulture), clients.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture)], null).Output);

    private static Result Parse(string line)
    {
        var fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('='))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
        if (!fields.TryGetValue("rps", out var rps))
        {
            throw new InvalidOperationException($"Unexpected measurement output: '{line}'.");
        }

        return new Result(rps, fields["p50_us"], fields["p99_us"], (long)fields["errors"]);
    }

    private static (string File, string[] Args) SelfCommand()
    {
        var process = Environment.ProcessPath!;
        var assembly = Assembly.GetEntryAssembly()!.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [assembly]) : (process, []);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo Info(string file, string[] args, string? environment)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            info.Environment[environment] = "1";
        }

        return info;
    }

    private static Process Start(string file, string[] args, string? environment)
    {
        var process = Process.Start(Info(file, args, environment))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static (int ExitCode, string Output) Run(string file, string[] args, string? environment)
    {
        using var process = Process.Start(Info(file, args, environment))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within 60 s.");
        }

        if (process.ExitCode != 0 && !string.IsNullOrWhiteSpace(stderr.Result))
        {
            Console.Error.WriteLine(stderr.Result.Trim());
        }

        return (process.ExitCode, output);
    }

    private static async Task WaitListeningAsync(int port, Process server)
    {
        var deadline = Stopwatch.GetTimestamp() + (15 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"The server on port {port} exited with code {server.ExitCode}.");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"Nothing listened on port {port} within 15 s.");
    }

    private static void Stop(Process server)
    {
        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(5000);
        }
    }
}
