using EdgeHa.Controller.Events;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary><see cref="EventRecorder"/> through <see cref="KubeEventSink"/> into the sandbox's events.k8s.io/v1 Events.</summary>
public sealed class EventRecorderTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private readonly TestSandbox _sandbox = fixture.Sandbox;

    [Fact]
    public async Task RecordAsync_FirstOccurrence_CreatesEventsK8sIoEvent()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var regarding = await _sandbox.Client.CreateAsync(Objects.ConfigMap("pair", ns), guard.Token);
        var recorder = NewRecorder();

        await recorder.WarningAsync(regarding, "ActiveNodeUnhealthy", "Failover", "ipc-a failed 3 probes", guard.Token);

        var ev = Assert.Single((await _sandbox.Client.ListAsync<Event>(ns, cancellationToken: guard.Token)).Items);
        Assert.Equal("events.k8s.io/v1", ev.ApiVersion);
        Assert.Equal("Warning", ev.Type);
        Assert.Equal("ActiveNodeUnhealthy", ev.Reason);
        Assert.Equal("Failover", ev.Action);
        Assert.Equal("ipc-a failed 3 probes", ev.Note);
        Assert.Equal("edgeha.io/operator", ev.ReportingController);
        Assert.Equal("operator-0", ev.ReportingInstance);
        Assert.Equal(("ConfigMap", "pair", ns, regarding.Metadata.Uid), (ev.Regarding!.Kind, ev.Regarding.Name, ev.Regarding.Namespace, ev.Regarding.Uid));
        Assert.NotNull(ev.EventTime);
        Assert.Null(ev.Series);

        // The same Event through the core v1 API, as kubectl get events shows it.
        var core = await _sandbox.GetRawAsync($"/api/v1/namespaces/{ns}/events/{ev.Metadata.Name}", guard.Token);
        Assert.Equal("ipc-a failed 3 probes", core["message"]!.GetValue<string>());
        Assert.Equal("pair", core["involvedObject"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RecordAsync_Repeats_AggregateIntoSeriesCount()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var regarding = await _sandbox.Client.CreateAsync(Objects.ConfigMap("pair", ns), guard.Token);
        var recorder = NewRecorder();

        await recorder.NormalAsync(regarding, "ProbeFailed", "Probe", "node-a: timeout", guard.Token);
        await recorder.NormalAsync(regarding, "ProbeFailed", "Probe", "node-a: timeout", guard.Token);
        await recorder.NormalAsync(regarding, "ProbeFailed", "Probe", "node-a: timeout", guard.Token);
        await recorder.NormalAsync(regarding, "FailoverCompleted", "Failover", "now on ipc-b", guard.Token);

        var events = (await _sandbox.Client.ListAsync<Event>(ns, cancellationToken: guard.Token)).Items;
        Assert.Equal(2, events.Count);
        var series = Assert.Single(events, e => e.Reason == "ProbeFailed");
        Assert.Equal(3, series.Series?.Count);
        Assert.True(series.Series!.LastObservedTime >= series.EventTime);
        Assert.Null(Assert.Single(events, e => e.Reason == "FailoverCompleted").Series);
    }

    private EventRecorder NewRecorder() =>
        new(new KubeEventSink(_sandbox.Client), new EventRecorderOptions { ReportingController = "edgeha.io/operator", ReportingInstance = "operator-0" });
}
