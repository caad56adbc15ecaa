using System.Globalization;

namespace EdgeHa.Demo.Infrastructure;

/// <summary>
/// The installed mosquitto as a process of the demo, with a configuration of its own (one listener on the demo's
/// broker address, anonymous, sessions in memory with room for a subscriber's backlog).
/// </summary>
public sealed class MosquittoBroker : IDemoBroker
{
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin"];

    private readonly ChildProcess _process;

    private MosquittoBroker(ChildProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public string Description => $"mosquitto ({Executable}) at {Url}, log {_process.LogPath}";

    /// <summary>The mosquitto on PATH or in the usual sbin directories, or null when it is not installed.</summary>
    public static string? Executable => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Concat(SystemDirectories)
        .Select(d => Path.Combine(d, "mosquitto"))
        .FirstOrDefault(File.Exists);

    /// <summary>Starts it; <paramref name="waitListening"/> waits until it accepts connections (or throws naming why not).</summary>
    public static async Task<MosquittoBroker> StartAsync(string address, int port, string workDirectory, string logDirectory, Func<ChildProcess, Task> waitListening)
    {
        ArgumentNullException.ThrowIfNull(waitListening);
        var executable = Executable ?? throw new DemoSetupException("start the MQTT broker",
            "mosquitto was asked for (EDGEHA_DEMO_BROKER=mosquitto or --broker mosquitto) but is not installed (apt-get install mosquitto); without it the demo runs its embedded broker");
        var config = Path.Combine(workDirectory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, string.Join('\n',
            $"listener {port.ToString(CultureInfo.InvariantCulture)} {address}",
            "allow_anonymous true",
            "persistence false",
            "max_queued_messages 100000",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            ""));
        var process = ChildProcess.Start("mosquitto", executable, ["-c", config], Path.Combine(logDirectory, "mosquitto.log"));
        var broker = new MosquittoBroker(process, new Uri($"mqtt://{address}:{port}"));
        try
        {
            await waitListening(process);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }

        return broker;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
