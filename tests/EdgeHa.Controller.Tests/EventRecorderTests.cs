using EdgeHa.Controller.Events;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Controller.Tests;

public class EventRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeSink _sink = new();

    private static KubernetesObject Pair(string name = "line1") => new()
    {
        ApiVersion = "edgeha.io/v1alpha1",
        Kind = "RedundantPair",
        Metadata = new ObjectMeta { Name = name, Namespace = "plant", Uid = $"uid-{name}", ResourceVersion = "7" },
    };

    [Fact]
    public async Task RecordAsync_FirstOccurrence_CreatesEventsV1Event()
    {
        var recorder = NewRecorder();

        await recorder.WarningAsync(Pair(), "ActiveNodeUnhealthy", "Failover", "node-a failed 3 probes");

        var ev = Assert.Single(_sink.Created);
        Assert.Equal("events.k8s.io/v1", ev.ApiVersion);
        Assert.Equal("Event", ev.Kind);
        Assert.Equal("plant", ev.Metadata.Namespace);
        Assert.StartsWith("line1.", ev.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow(), ev.EventTime);
        Assert.Equal("Warning", ev.Type);
        Assert.Equal("ActiveNodeUnhealthy", ev.Reason);
        Assert.Equal("Failover", ev.Action);
        Assert.Equal("node-a failed 3 probes", ev.Note);
        Assert.Equal("edgeha.io/operator", ev.ReportingController);
        Assert.Equal("operator-0", ev.ReportingInstance);
        Assert.Equal("RedundantPair", ev.Regarding!.Kind);
        Assert.Equal("line1", ev.Regarding.Name);
        Assert.Equal("uid-line1", ev.Regarding.Uid);
        Assert.Null(ev.Series);
    }

    [Fact]
    public async Task RecordAsync_RepeatsWithinWindow_IncrementSeriesOfTheFirstEvent()
    {
        var recorder = NewRecorder();
        await recorder.WarningAsync(Pair(), "ProbeFailed", "Probe", "node-a: timeout");
        _time.Advance(TimeSpan.FromSeconds(10));
        await recorder.WarningAsync(Pair(), "ProbeFailed", "Probe", "node-a: timeout");
        _time.Advance(TimeSpan.FromSeconds(10));
        await recorder.WarningAsync(Pair(), "ProbeFailed", "Probe", "node-a: timeout");

        var created = Assert.Single(_sink.Created);
        Assert.Equal(2, _sink.SeriesUpdates.Count);
        Assert.All(_sink.SeriesUpdates, e => Assert.Equal(created.Metadata.Name, e.Metadata.Name));
        var last = _sink.SeriesUpdates[^1].Series!;
        Assert.Equal(3, last.Count);
        Assert.Equal(_time.GetUtcNow(), last.LastObservedTime);
    }

    [Fact]
    public async Task RecordAsync_RepeatAfterWindow_CreatesNewEvent()
    {
        var recorder = NewRecorder();
        await recorder.NormalAsync(Pair(), "FailoverCompleted", "Failover", "to node-b");

        _time.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));
        await recorder.NormalAsync(Pair(), "FailoverCompleted", "Failover", "to node-a");

        Assert.Equal(2, _sink.Created.Count);
        Assert.NotEqual(_sink.Created[0].Metadata.Name, _sink.Created[1].Metadata.Name);
        Assert.Empty(_sink.SeriesUpdates);
    }

    [Theory]
    [InlineData("line2", "Warning", "ProbeFailed", "Probe", "n")] // another object
    [InlineData("line1", "Normal", "ProbeFailed", "Probe", "n")] // another type
    [InlineData("line1", "Warning", "ProbeTimeout", "Probe", "n")] // another reason
    [InlineData("line1", "Warning", "ProbeFailed", "Check", "n")] // another action
    [InlineData("line1", "Warning", "ProbeFailed", "Probe", "m")] // another note
    public async Task RecordAsync_DifferentIdentity_CreatesSeparateEvents(string pair, string type, string reason, string action, string note)
    {
        var recorder = NewRecorder();
        await recorder.RecordAsync(Pair(), null, "Warning", "ProbeFailed", "Probe", "n");

        await recorder.RecordAsync(Pair(pair), null, type, reason, action, note);

        Assert.Equal(2, _sink.Created.Count);
    }

    [Fact]
    public async Task RecordAsync_GrantToAnotherNodeAfterASwitchover_IsANewEventNotASeries()
    {
        var recorder = NewRecorder();
        await recorder.NormalAsync(Pair(), "LeaseGranted", "Grant", "granted the lease to line1-edge-a-0 at epoch 1");
        _time.Advance(TimeSpan.FromSeconds(20));

        await recorder.NormalAsync(Pair(), "LeaseGranted", "Grant", "granted the lease to line1-edge-b-0 at epoch 2");

        Assert.Equal(["granted the lease to line1-edge-a-0 at epoch 1", "granted the lease to line1-edge-b-0 at epoch 2"], _sink.Created.Select(e => e.Note));
        Assert.Empty(_sink.SeriesUpdates);
    }

    [Fact]
    public async Task RecordAsync_RegardingResourceVersionChanged_StillAggregates()
    {
        var recorder = NewRecorder();
        var pair = Pair();
        await recorder.WarningAsync(pair, "ProbeFailed", "Probe", "n");

        pair.Metadata.ResourceVersion = "8";
        await recorder.WarningAsync(pair, "ProbeFailed", "Probe", "n");

        Assert.Single(_sink.Created);
        Assert.Single(_sink.SeriesUpdates);
    }

    [Fact]
    public async Task RecordAsync_SinkFails_DoesNotThrowAndNextRepeatCreatesAnew()
    {
        var recorder = NewRecorder();
        await recorder.WarningAsync(Pair(), "ProbeFailed", "Probe", "n");
        _sink.Fail = true;

        await recorder.WarningAsync(Pair(), "ProbeFailed", "Probe", "n");
        _sink.Fail = false;
        await recorder.WarningAsync(Pair(), "ProbeFailed", "Probe", "n");

        Assert.Equal(2, _sink.Created.Count);
    }

    [Fact]
    public async Task RecordAsync_LongNote_TruncatedTo1024Bytes()
    {
        var recorder = NewRecorder();

        await recorder.NormalAsync(Pair(), "Started", "Start", new string('ä', 2000));

        var note = _sink.Created[0].Note!;
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(note) <= 1024);
        Assert.EndsWith("...", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_ClusterScopedRegarding_EventInDefaultNamespace()
    {
        var recorder = NewRecorder();
        var node = new KubernetesObject { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = "node-a", Uid = "n" } };

        await recorder.WarningAsync(node, "NodeNotReady", "Observe", "kubelet stopped posting status");

        Assert.Equal("default", _sink.Created[0].Metadata.Namespace);
    }

    [Theory]
    [InlineData("Info", "Reason", "Act")]
    [InlineData("Normal", "", "Act")]
    [InlineData("Normal", "not camel", "Act")]
    [InlineData("Normal", "lowerCase", "Act")]
    [InlineData("Normal", "Reason", "")]
    public async Task RecordAsync_InvalidInput_ThrowsArgumentException(string type, string reason, string action)
    {
        var recorder = NewRecorder();

        await Assert.ThrowsAsync<ArgumentException>(() => recorder.RecordAsync(Pair(), null, type, reason, action, "n"));
        Assert.Empty(_sink.Created);
    }

    [Fact]
    public void Constructor_MissingReportingController_Throws() =>
        Assert.Throws<ArgumentException>(() => new EventRecorder(_sink, new EventRecorderOptions { ReportingInstance = "x" }));

    private EventRecorder NewRecorder() => new(_sink, new EventRecorderOptions
    {
        ReportingController = "edgeha.io/operator",
        ReportingInstance = "operator-0",
        TimeProvider = _time,
    });

    private sealed class FakeSink : IEventSink
    {
        public List<Event> Created { get; } = [];

        public List<Event> SeriesUpdates { get; } = [];

        public bool Fail { get; set; }

        public Task<Event> CreateAsync(Event ev, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new HttpRequestException("API down");
            }

            Created.Add(ev);
            return Task.FromResult(ev);
        }

        public Task<Event> UpdateSeriesAsync(Event ev, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new HttpRequestException("API down");
            }

            SeriesUpdates.Add(new Event
            {
                Metadata = new ObjectMeta { Name = ev.Metadata.Name, Namespace = ev.Metadata.Namespace },
                Series = new EventSeries { Count = ev.Series!.Count, LastObservedTime = ev.Series.LastObservedTime },
            });
            return Task.FromResult(ev);
        }
    }
}
