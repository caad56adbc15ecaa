using EdgeHa.Demo.Data;
using EdgeHa.Demo.Infrastructure;
using EdgeHa.Demo.Measurement;
using EdgeHa.Demo.Scenario;
using Xunit.Abstractions;

namespace EdgeHa.Demo.Tests;

/// <summary>
/// The real thing, shortened: the sandbox API server, two simulated nodes running the collector as processes, the
/// device, the embedded MQTT broker, the operator process, the hot pair; creation, crash, failover, restore, fail-back, a
/// rolling upgrade; data read through the VIP and received by an MQTT subscriber. Asserts behaviour (every step done,
/// first placement on the primary, no sample lost at a handover, none lost at the upgrade and at most the sample whose PUBACK was in flight repeated; at the
/// subscriber, every new active heard and nothing lost after dedupe), not timing.
/// </summary>
public class DemoIntegrationTests(ITestOutputHelper output)
{
    [DemoPiecesFact]
    public async Task RunAsync_HotPairOnTheSandbox_FailsOverAndBackWithoutLoss()
    {
        var work = Path.Combine(Path.GetTempPath(), $"edgeha-demo-test-{Guid.NewGuid():N}");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var path = Path.Combine(RepoFiles.Layout.DemoSamples, DemoApp.HotManifest);
        var pair = PairManifest.FromObject(Assert.Single(YamlJson.Documents(File.ReadAllText(path), path)));
        var options = new DemoEnvironmentOptions
        {
            WorkDirectory = work,
            Repository = RepoFiles.Layout,
            Configuration = DemoPiecesFactAttribute.Configuration,
            // Not the addresses a concurrently running `make demo` uses.
            PlcAddress = "127.66.0.3",
            VipLoopbackPrefix = "127.88.77.",
            BrokerAddress = "127.66.0.5",
        };
        pair = pair with { Object = WithDevice(pair, options.PlcAddress) };
        ModeResult result;
        await using (var env = await SandboxDemoEnvironment.StartAsync(options, output.WriteLine, cts.Token))
        {
            var timings = new ScenarioTimings
            {
                SteadyState = TimeSpan.FromSeconds(1),
                AfterFailover = TimeSpan.FromSeconds(1),
                AfterFailback = TimeSpan.FromSeconds(1),
                Reader = new VipReaderOptions(),
            };
            result = await new DemoScenario(env, TimeProvider.System, timings).RunAsync(pair, deleteAfter: false, cts.Token);
            output.WriteLine(result.Timeline.Render(result.Origin));
            output.WriteLine(ResultsTable.Render(pair.Mode, result.PredictedFailoverMs, result.Transitions, result.Continuity, result.Verdict, result.Subscriber));
            if (result.FailedStep is not null && env.Operator is { } op)
            {
                output.WriteLine(op.Tail(40));
            }
        }

        Assert.Null(result.FailedStep);
        Assert.NotNull(result.PredictedFailoverMs);
        Assert.Equal([TransitionKind.Failover, TransitionKind.Failback, TransitionKind.Upgrade, TransitionKind.Failback], result.Transitions.Select(t => t.Kind));
        Assert.All(result.Transitions, t => Assert.NotNull(t.FirstNewSampleAt));
        Assert.Equal(0, result.Continuity.LostAtHandover);
        Assert.True(result.Verdict.Passed, string.Join("; ", result.Verdict.Checks.Where(c => c.Passed == false).Select(c => $"{c.Name}: {c.Detail}")));
        Assert.Contains(result.Verdict.Checks, c => c.Name == "created without a flip" && c.Passed == true);
        var upgrade = Assert.Single(result.Transitions, t => t.Kind == TransitionKind.Upgrade);
        Assert.Equal(("edge-a", "edge-b", 0L), (upgrade.From, upgrade.To, upgrade.LostAtHandover));
        // The collectors publish over MQTT: the one sample whose PUBACK was in flight at the fence may come again.
        Assert.InRange(upgrade.Duplicates, 0, 1);

        // The same run at the MQTT subscriber: the collectors published to the broker, every new active was heard, nothing lost.
        var subscriber = Assert.IsType<SubscriberReport>(result.Subscriber);
        Assert.True(subscriber.Received > 0, "the subscriber received the collectors' samples");
        Assert.Equal(0, subscriber.LostAtHandover);
        Assert.All(result.Transitions, t => Assert.NotNull(t.AtSubscriber?.FirstNewAt));
        Assert.All(result.Transitions, t => Assert.Equal(0, t.AtSubscriber!.Lost));
        Assert.Contains(result.Verdict.Checks, c => c.Name == "hot standby at the MQTT subscriber: zero lost after dedupe" && c.Passed == true);
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // logs still open by a process being reaped; the temp directory is cleaned by the OS
        }
    }

    private static System.Text.Json.Nodes.JsonObject WithDevice(PairManifest pair, string address)
    {
        var obj = (System.Text.Json.Nodes.JsonObject)pair.Object.DeepClone();
        var args = obj["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray();
        var i = args.Select(a => a!.GetValue<string>()).ToList().IndexOf("--device");
        args[i + 1] = $"{address}:5020";
        return obj;
    }
}
