using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using EdgeHa.TestSupport;

namespace EdgeHa.Collector.Tests;

/// <summary>
/// A real mosquitto on a free loopback port with its own config in a temporary folder; persistent (so a subscriber's
/// session and its queued QoS 1 messages survive <see cref="RestartAsync"/>), anonymous or with one user.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _config;
    private Process? _process;

    private MosquittoBroker(string folder, int port)
    {
        Folder = folder;
        Port = port;
        _config = Path.Combine(folder, "mosquitto.conf");
    }

    public string Folder { get; }

    public int Port { get; }

    public Uri Url => new($"{(CaFile is null ? "mqtt" : "mqtts")}://127.0.0.1:{Port}");

    /// <summary>With TLS: the PEM file of the CA that signed the broker's certificate.</summary>
    public string? CaFile { get; private set; }

    /// <summary>The mosquitto_sub/_pub arguments that reach this broker (host, port, TLS).</summary>
    public IEnumerable<string> ClientArgs =>
        ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. CaFile is null ? Array.Empty<string>() : ["--cafile", CaFile]];

    /// <summary>Starts a broker; with a user, anonymous clients are refused; with TLS, it serves a certificate for 127.0.0.1 signed by a fresh CA.</summary>
    public static async Task<MosquittoBroker> StartAsync((string User, string Password)? user = null, bool tls = false)
    {
        var folder = Directory.CreateTempSubdirectory("edgeha-mosquitto-").FullName;
        var broker = new MosquittoBroker(folder, FreePort.Next());
        var lines = new List<string>
        {
            $"listener {broker.Port} 127.0.0.1",
            "persistence true",
            $"persistence_location {folder}/",
            $"user {Environment.UserName}", // mosquitto started as root would switch to a user that cannot write the folder
        };
        if (tls)
        {
            var (ca, certificate, key) = TestCertificates.CreateServer(folder);
            broker.CaFile = ca;
            lines.Add($"certfile {certificate}");
            lines.Add($"keyfile {key}");
        }

        if (user is { } u)
        {
            var passwords = Path.Combine(folder, "passwords");
            await RunAsync(MosquittoFactAttribute.Passwords, ["-b", "-c", passwords, u.User, u.Password]);
            lines.Add("allow_anonymous false");
            lines.Add($"password_file {passwords}");
        }
        else
        {
            lines.Add("allow_anonymous true");
        }

        await File.WriteAllLinesAsync(broker._config, lines);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Stops the broker (SIGTERM: it saves its sessions) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        ProgramProcess.Signal(process.Id, PosixSignal.SIGTERM);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }

        Directory.Delete(Folder, recursive: true);
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(MosquittoFactAttribute.Broker, ["-c", _config]) { RedirectStandardError = true, RedirectStandardOutput = true };
        _process = Process.Start(start)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
                return;
            }
            catch (SocketException) when (!_process.HasExited)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
    }

    internal static async Task RunAsync(string program, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {await error}");
    }
}
