using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace EdgeHa.Collector.Tests;

/// <summary>
/// mosquitto_sub (a client nobody here wrote) on <c>edgeha/#</c> at QoS 1 with a persistent session, printing
/// "topic payload" lines; it reconnects by itself when the broker restarts.
/// </summary>
internal sealed class MqttSubscriber : IAsyncDisposable
{
    private const string ProbeTopic = "edgeha/probe";
    private readonly Process _process;
    private readonly ConcurrentQueue<(string Topic, string Payload)> _messages = new();

    private MqttSubscriber(MosquittoBroker broker, (string User, string Password)? user)
    {
        List<string> args = [.. broker.ClientArgs, "-t", "edgeha/#", "-q", "1", "-v", "-c", "-i", $"edgeha-test-{Guid.NewGuid():N}"[..23]];
        if (user is { } u)
        {
            args.AddRange(["-u", u.User, "-P", u.Password]);
        }

        _process = Process.Start(new ProcessStartInfo(MosquittoFactAttribute.Subscriber, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0)
            {
                _messages.Enqueue((line[..space], line[(space + 1)..]));
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the subscriber and returns once it is subscribed (a probe it published came back).</summary>
    public static async Task<MqttSubscriber> StartAsync(MosquittoBroker broker, (string User, string Password)? user = null)
    {
        var subscriber = new MqttSubscriber(broker, user);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!subscriber._messages.Any(m => m.Topic == ProbeTopic))
        {
            List<string> args = [.. broker.ClientArgs, "-t", ProbeTopic, "-q", "1", "-m", "probe"];
            if (user is { } u)
            {
                args.AddRange(["-u", u.User, "-P", u.Password]);
            }

            await MosquittoBroker.RunAsync(MosquittoFactAttribute.Publisher, [.. args]);
            await Task.Delay(50, timeout.Token);
        }

        return subscriber;
    }

    /// <summary>The collector's messages (the probes left out), parsed, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Samples =>
        [.. _messages.Where(m => m.Topic != ProbeTopic).Select(m => JsonDocument.Parse(m.Payload).RootElement)];

    /// <summary>The topics of the collector's messages.</summary>
    public IReadOnlyList<string> Topics => [.. _messages.Where(m => m.Topic != ProbeTopic).Select(m => m.Topic)];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
