using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeHa.Failover.Bench;

/// <summary>
/// The operator as its own process (<c>dotnet EdgeHa.Operator.dll --kubeconfig ...</c>), so its memory and CPU are
/// its own: read from /proc/&lt;pid&gt;/status (VmRSS) and /proc/&lt;pid&gt;/stat (utime + stime), and its /metrics.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux.
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private OperatorProcess(Process process, int healthPort, int metricsPort, string logPath)
    {
        _process = process;
        HealthUrl = new Uri($"http://127.0.0.1:{healthPort}/readyz");
        MetricsUrl = new Uri($"http://127.0.0.1:{metricsPort}/metrics");
        LogPath = logPath;
    }

    public Uri HealthUrl { get; }

    public Uri MetricsUrl { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    /// <summary>Starts the operator and waits for /readyz; with <paramref name="identity"/>, as a leader-electing replica (POD_NAME).</summary>
    public static async Task<OperatorProcess> StartAsync(string dll, string kubeconfig, string logPath, CancellationToken cancellationToken, string? identity = null)
    {
        var health = FreePort();
        var metrics = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            dll, "--kubeconfig", kubeconfig, "--namespace", "default",
            "--health-probe-bind-address", $"127.0.0.1:{health}", "--metrics-bind-address", $"127.0.0.1:{metrics}",
            "--zap-log-level", identity is null ? "warn" : "info",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        if (identity is not null)
        {
            foreach (var arg in new[] { "--leader-elect", "--leader-election-namespace", "default" })
            {
                psi.ArgumentList.Add(arg);
            }

            psi.Environment["POD_NAME"] = identity;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the operator");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var op = new OperatorProcess(process, health, metrics, logPath);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the operator exited with {process.ExitCode}; see {logPath}");
            }

            try
            {
                using var response = await op._http.GetAsync(op.HealthUrl, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return op;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        await op.DisposeAsync();
        throw new TimeoutException($"the operator was not ready within 60 s; see {logPath}");
    }

    /// <summary>SIGTERM, as kubelet stops the pod; completes when the process has exited.</summary>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        _ = Kill(_process.Id, 15);
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Resident set size in bytes (VmRSS).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        return 0;
    }

    /// <summary>User + system CPU time consumed so far.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        // Fields after the command name (which may contain spaces) start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>The /metrics text.</summary>
    public async Task<string> MetricsAsync(CancellationToken cancellationToken) => await _http.GetStringAsync(MetricsUrl, cancellationToken);

    /// <summary>The sum over all series of a counter or gauge, or null when absent.</summary>
    public static double? Sum(string metrics, string name)
    {
        double? sum = null;
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && (line[name.Length] == '{' || line[name.Length] == ' '))
            {
                var value = line[(line.LastIndexOf(' ') + 1)..];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    sum = (sum ?? 0) + v;
                }
            }
        }

        return sum;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _http.Dispose();
    }
}
