using System.Globalization;
using System.Net;
using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Modbus;
using EdgeHa.ModbusSimulator;
using EdgeHa.Sandbox.ApiServer;
using Microsoft.Extensions.Logging;
using Moq;

namespace EdgeHa.Collector.Tests;

/// <summary>
/// Two collectors on one device, their roles from a pair Lease on the sandbox API server, the test playing the
/// operator (the grantor): the holder publishes, the other only buffers, and a handover loses no sample.
/// </summary>
public sealed class LeaseRoleSourceTests : IAsyncLifetime
{
    private const string LeaseName = "line-1-active";
    // For the test of losing the API server: the window closes soon after the renewals stop.
    private static readonly LeaseTerms Fast = new(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));

    // For every other test (handovers, lock order), which are not about lease timing: on a loaded machine (the suite
    // runs its projects side by side on 2 cores) a renewal can take longer than Fast's window, and a holder whose window
    // closed stops acting until the operator grants it again, which these tests have no operator to do.
    private static readonly LeaseTerms Roomy = new(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));

    // The device counts slowly so that a poll can never miss a value on a busy machine: any gap is a failover gap.
    private const string Map = """
        units:
          - unit: 1
            inputRegisters: [{ start: 0, count: 10 }]
            values:
              - { name: sequence, table: input, address: 0, type: uint16, generator: { kind: counter, start: START, step: 1, periodMilliseconds: 300 } }
        """;

    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"edgeha-collector-lease-{Guid.NewGuid():N}.yaml");
    private SandboxApiServer _api = null!;
    private KubernetesClient _client = null!;
    private SimulatorHost _device = null!;

    public async Task InitializeAsync()
    {
        _api = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0 });
        _api.WriteKubeconfig(_kubeconfig);
        _client = new KubernetesClient(KubeConfigLoader.FromKubeConfigFiles([_kubeconfig]));
        _device = await StartDeviceAsync(start: 0);
    }

    private static Task<SimulatorHost> StartDeviceAsync(int start) => SimulatorHost.StartAsync(new SimulatorOptions
    {
        Map = MapLoader.Parse(Map.Replace("START", start.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), "test map"),
        BindAddress = IPAddress.Loopback,
        ModbusPort = 0,
        HttpPort = null,
        MinimumLogLevel = LogLevel.Warning,
    });

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        await _device.DisposeAsync();
        _client.Dispose();
        await _api.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Fact]
    public async Task Holder_PublishesWhileTheOtherOnlyBuffers()
    {
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var a = await StartCollectorAsync("pod-a");
        var b = await StartCollectorAsync("pod-b");

        await WaitUntil(() => Published(a).Any(s => s.Epoch == 1));

        await WaitUntil(() => b.Engine.Buffer.Count > 0);
        Assert.Equal(CollectorRole.Active, a.Engine.Roles.Current);
        Assert.Equal(CollectorRole.Standby, b.Engine.Roles.Current);
        Assert.Empty(b.Engine.Buffer.PublishedAfterNumber(null, 100));
        // A sample carries the epoch in force when it was polled: replayed ones from before the holding carry 0.
        Assert.All(Published(a).SkipWhile(s => s.Epoch == 0), s => Assert.Equal(1, s.Epoch));
    }

    [Fact]
    public async Task Handover_NewHolderContinuesAfterTheOldOnesLastSequence()
    {
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var a = await StartCollectorAsync("pod-a");
        var b = await StartCollectorAsync("pod-b");
        await WaitUntil(() => Published(a).Count >= 3);

        // The operator asks for a handover, waits for the release, then grants the standby.
        await EditLeaseAsync(l => l.Metadata.Annotations![FencingAnnotations.HandoverRequested] = "pod-b");
        await WaitUntilAsync(async () => (await ReadLease()).Spec!.HolderIdentity is null);
        Assert.NotEqual(CollectorRole.Active, a.Engine.Roles.Current);
        var recorded = int.Parse((await ReadLease()).Metadata.Annotations![FencingAnnotations.LastPublishedSequence], CultureInfo.InvariantCulture);
        await EditLeaseAsync(l =>
        {
            l.Spec!.HolderIdentity = "pod-b";
            l.Metadata.Annotations![FencingAnnotations.Epoch] = "2";
        });
        await WaitUntil(() => Published(b).Any(s => s.Epoch == 2));

        var last = Published(a).Max(s => s.Sequence!.Value);
        Assert.Equal(last, recorded);
        var first = Published(b).Min(s => s.Sequence!.Value);
        Assert.True(first <= last + 1, $"lost samples: the old holder published up to {last}, the new one started at {first}");
        Assert.Equal(2, Published(b)[^1].Epoch);
        Assert.Equal(CollectorRole.Active, b.Engine.Roles.Current);
        Assert.Equal(CollectorRole.Standby, a.Engine.Roles.Current);
    }

    [Fact]
    public async Task Handover_AcrossTheSixteenBitWrap_RecordsTheUnwrappedSequenceAndTheNewHolderContinuesAfterIt()
    {
        await using var device = await StartDeviceAsync(start: 65532);
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var a = await StartCollectorAsync("pod-a", device: device);
        var b = await StartCollectorAsync("pod-b", device: device);
        await WaitUntil(() => Published(a).Any(s => s.UnwrappedSequence > 65537), seconds: 30);

        await EditLeaseAsync(l => l.Metadata.Annotations![FencingAnnotations.HandoverRequested] = "pod-b");
        await WaitUntilAsync(async () => (await ReadLease()).Spec!.HolderIdentity is null);
        var recorded = long.Parse((await ReadLease()).Metadata.Annotations![FencingAnnotations.LastPublishedSequence], CultureInfo.InvariantCulture);
        await EditLeaseAsync(l =>
        {
            l.Spec!.HolderIdentity = "pod-b";
            l.Metadata.Annotations![FencingAnnotations.Epoch] = "2";
        });
        await WaitUntil(() => Published(b).Any(s => s.Epoch == 2));

        Assert.Equal(Published(a).Max(s => s.UnwrappedSequence!.Value), recorded);
        Assert.True(recorded > 65537, $"recorded {recorded}: the 16-bit register, not the unwrapped sequence");
        // The replay starts after the recorded sequence; a live poll may still read the device state the old holder
        // published last (the collectors poll faster than the device counts), never an older one.
        var first = Published(b).Min(s => s.UnwrappedSequence!.Value);
        Assert.True(first >= recorded, $"replayed too far back: the old holder recorded {recorded}, the new one started at {first}");
        Assert.True(first <= recorded + 1, $"lost samples: the old holder recorded {recorded}, the new one started at {first}");
    }

    [Fact]
    public async Task Health_ApiServerUnreachable_ReportsThatTheLeaseCannotBeHeld()
    {
        await CreateLeaseAsync(holder: "pod-b", epoch: 1, terms: Fast);
        var a = await StartCollectorAsync("pod-a", terms: Fast);
        await WaitUntil(() => a.Engine.GetState().Healthy && ((LeaseRoleSource)a.Engine.Roles).Holding.Reason == "the lease is held by pod-b");

        await _api.DisposeAsync(); // the API server is gone for this collector

        await WaitUntil(() => a.Engine.GetState().Reason.Contains("cannot hold the pair lease", StringComparison.Ordinal), message: () => a.Engine.GetState().Reason);
        Assert.False(a.Engine.GetState().Healthy);
    }

    [Fact]
    public async Task Handover_SinkStalled_RecordsTheLastSequenceTheSinkAcknowledgedNotTheLastQueued()
    {
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var stdout = new HeldTextWriter();
        var a = await StartCollectorAsync("pod-a", stdout);
        await WaitUntil(() => stdout.Lines.Count >= 3);

        // stdout stops reading; the collector keeps polling and queueing newer sequences it cannot deliver.
        stdout.Hold();
        var written = stdout.Lines.Count;
        var lastWritten = Sequence(stdout.Lines[^1]);
        await WaitUntil(() => a.Engine.PublishQueueDepth >= 2 && a.Engine.Buffer.Snapshot()[^1].Sample.Sequence > lastWritten + 1);
        Assert.Equal(written, stdout.Lines.Count);

        await EditLeaseAsync(l => l.Metadata.Annotations![FencingAnnotations.HandoverRequested] = "pod-b");
        await WaitUntilAsync(async () => (await ReadLease()).Spec!.HolderIdentity is null);

        var recorded = int.Parse((await ReadLease()).Metadata.Annotations![FencingAnnotations.LastPublishedSequence], CultureInfo.InvariantCulture);
        Assert.Equal(lastWritten, recorded);
        Assert.Equal(lastWritten, a.Engine.LastPublished!.Sequence);
        await WaitUntil(() => a.Engine.PublishQueueDepth <= 1); // discarded on losing the role
        Assert.True(a.Engine.Metrics.SamplesFenced >= 1);
        stdout.Release();
    }

    [Fact]
    public async Task Handover_AcknowledgementsInFlight_TheReleaseWaitsForThemAndRecordsTheLastDelivered()
    {
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var stdout = new HeldTextWriter();
        var a = await StartCollectorAsync("pod-a", stdout);
        await WaitUntil(() => stdout.Lines.Count >= 3);

        // The sink is slow: samples are queued and one is being written when the handover is requested.
        stdout.Hold();
        var lastBeforeHold = Sequence(stdout.Lines[^1]);
        await WaitUntil(() => a.Engine.PublishQueueDepth >= 2 && a.Engine.Buffer.Snapshot()[^1].Sample.Sequence > lastBeforeHold);
        await EditLeaseAsync(l => l.Metadata.Annotations![FencingAnnotations.HandoverRequested] = "pod-b");

        // Still acting, the collector stops publishing new samples (they are buffered for the next holder) and waits
        // for the sink before it releases; then the sink catches up.
        await WaitUntil(() => a.Engine.Roles.Current == CollectorRole.Active && a.Engine.Buffer.Snapshot()[^1] is { Published: false });
        Assert.NotNull((await ReadLease()).Spec!.HolderIdentity);
        stdout.Release();
        await WaitUntilAsync(async () => (await ReadLease()).Spec!.HolderIdentity is null);

        var recorded = long.Parse((await ReadLease()).Metadata.Annotations![FencingAnnotations.LastPublishedSequence], CultureInfo.InvariantCulture);
        var lastDelivered = Sequence(stdout.Lines[^1]);
        Assert.True(lastDelivered > lastBeforeHold, $"the queued samples were never delivered (last {lastDelivered})");
        Assert.Equal(lastDelivered, recorded);
        Assert.Equal(0, a.Engine.Metrics.SamplesFenced);
    }

    [Fact]
    public async Task Stop_SinkStalled_ReleasesTheLeaseWithTheLastSequenceTheSinkAcknowledged()
    {
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var stdout = new HeldTextWriter();
        var a = await StartCollectorAsync("pod-a", stdout);
        await WaitUntil(() => stdout.Lines.Count >= 3);
        stdout.Hold();
        var lastWritten = Sequence(stdout.Lines[^1]);
        await WaitUntil(() => a.Engine.PublishQueueDepth >= 2 && a.Engine.Buffer.Snapshot()[^1].Sample.Sequence > lastWritten + 1);

        await a.DisposeAsync(); // waits for the sinks (in vain here), then releases

        var released = await ReadLease();
        Assert.Null(released.Spec!.HolderIdentity);
        Assert.Equal("pod-a", released.Metadata.Annotations![FencingAnnotations.ReleasedBy]);
        Assert.Equal(lastWritten, int.Parse(released.Metadata.Annotations[FencingAnnotations.LastPublishedSequence], CultureInfo.InvariantCulture));
        stdout.Release();
    }

    [Fact]
    public async Task Promotion_RecordedSequenceOlderThanTheBuffer_ReportsTheGapOnTheLeaseWithItsRenewals()
    {
        await using var device = await StartDeviceAsync(start: 10);
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var b = await StartCollectorAsync("pod-b", device: device);
        await WaitUntil(() => b.Engine.Buffer.Count > 0);

        // The previous holder published only up to 5: 6..9 were current before this standby started polling.
        await EditLeaseAsync(l =>
        {
            l.Spec!.HolderIdentity = "pod-b";
            l.Metadata.Annotations![FencingAnnotations.Epoch] = "2";
            l.Metadata.Annotations[FencingAnnotations.LastPublishedSequence] = "5";
        });
        await WaitUntilAsync(async () => (await ReadLease()).Metadata.Annotations!.ContainsKey(FencingAnnotations.PromotionGap));

        // The first poll reads 10, or later on a busy machine: the gap ends just before the oldest buffered sample.
        var oldest = Published(b).Min(s => s.Sequence!.Value);
        Assert.True(oldest >= 10, $"the buffer starts at {oldest}");
        Assert.Equal($"epoch=2 sequences=6-{oldest - 1} older-than-buffer", (await ReadLease()).Metadata.Annotations![FencingAnnotations.PromotionGap]);
        Assert.Equal(oldest - 6, b.Engine.Metrics.PromotionGapSequences);
    }

    [Fact]
    public async Task Promotion_WhileAPollHoldsThePublicationLock_NeitherWaitsForTheOther()
    {
        // The lock-order case that hung a new active: the poll holds the engine's publication lock and then asks the
        // role (the source's lock); the grant's handler must not hold the source's lock while it waits for the
        // publication lock. The test parks a poll inside the publication lock (its clock read), lets the grant
        // arrive, then lets the poll go on: both must finish.
        await CreateLeaseAsync(holder: "pod-a", epoch: 1);
        var clock = new ParkingClock();
        var device = new Mock<IDeviceReader>();
        device.Setup(d => d.ReadRegistersAsync(ModbusTable.InputRegisters, 0, 2, It.IsAny<CancellationToken>())).ReturnsAsync([(ushort)7, 0]);
        var options = new CollectorOptions { DeviceHost = "plc", DevicePort = 502, Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0) };
        options.Reads.Add(new ReadBlock(ModbusTable.InputRegisters, 0, 2));
        var roles = new LeaseRoleSource(last => new LeaseHolder(
            _client,
            new LeaseHolderOptions { Namespace = "default", LeaseName = LeaseName, Identity = "pod-b", DefaultTerms = Roomy },
            last));
        _disposables.Add(roles);
        await using var engine = new CollectorEngine(options, device.Object, roles, clock);
        roles.Attach(engine);
        using var stop = new CancellationTokenSource();
        var holding = roles.RunAsync(stop.Token);

        clock.ParkNextRead();
        var poll = Task.Run(() => engine.PollOnceAsync(CancellationToken.None));
        Assert.True(clock.Parked.Wait(TimeSpan.FromSeconds(20)), "the poll never read the clock");
        await EditLeaseAsync(l =>
        {
            l.Spec!.HolderIdentity = "pod-b";
            l.Metadata.Annotations![FencingAnnotations.Epoch] = "2";
        });
        await WaitUntil(() => roles.Holding.Acting);
        await Task.Delay(200); // the grant's handler is now waiting for the publication lock
        clock.Release();

        var done = await Task.WhenAny(poll, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.True(done == poll, "the poll and the promotion deadlocked");
        await WaitUntil(() => roles.Current == CollectorRole.Active);
        await stop.CancelAsync();
        await holding;
    }

    /// <summary>The system clock, except that one chosen read of the wall clock waits until released.</summary>
    private sealed class ParkingClock : TimeProvider
    {
        private readonly ManualResetEventSlim _release = new(false);
        private int _park;

        public ManualResetEventSlim Parked { get; } = new(false);

        public void ParkNextRead() => Volatile.Write(ref _park, 1);

        public void Release() => _release.Set();

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Exchange(ref _park, 0) == 1)
            {
                Parked.Set();
                _release.Wait();
            }

            return System.GetUtcNow();
        }
    }

    private static int Sequence(string jsonLine)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(jsonLine);
        return doc.RootElement.GetProperty("sequence").GetInt32();
    }

    private static List<Sample> Published(CollectorHost host) => [.. host.Engine.Buffer.PublishedAfterNumber(null, 10_000)];

    private async Task<CollectorHost> StartCollectorAsync(string identity, TextWriter? stdout = null, SimulatorHost? device = null, LeaseTerms? terms = null)
    {
        var options = new CollectorOptions
        {
            DeviceHost = "127.0.0.1",
            DevicePort = (device ?? _device).ModbusEndPoint.Port,
            HttpPort = 0,
            HttpBindAddress = IPAddress.Loopback,
            Interval = TimeSpan.FromMilliseconds(50),
            Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0),
            RequestTimeout = TimeSpan.FromSeconds(5),
            MinimumLogLevel = LogLevel.Warning,
            StdoutJsonLines = stdout is not null,
        };
        options.Reads.Add(new ReadBlock(ModbusTable.InputRegisters, 0, 2));
        var roles = new LeaseRoleSource(last => new LeaseHolder(
            _client,
            new LeaseHolderOptions { Namespace = "default", LeaseName = LeaseName, Identity = identity, DefaultTerms = terms ?? Roomy },
            last));
        var host = await CollectorHost.StartAsync(options, roles, jsonLinesWriter: stdout);
        _disposables.Add(roles);
        _disposables.Add(host);
        return host;
    }

    private async Task CreateLeaseAsync(string holder, long epoch, LeaseTerms? terms = null)
    {
        var lease = new Lease { Metadata = new ObjectMeta { Name = LeaseName, Namespace = "default", Annotations = new Dictionary<string, string>() } };
        lease.Spec = new LeaseSpec { HolderIdentity = holder };
        (terms ?? Roomy).WriteTo(lease);
        lease.Metadata.Annotations![FencingAnnotations.Epoch] = epoch.ToString(CultureInfo.InvariantCulture);
        await _client.CreateAsync(lease);
    }

    private Task<Lease> ReadLease() => _client.GetAsync<Lease>(LeaseName, "default");

    private async Task EditLeaseAsync(Action<Lease> edit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var lease = await ReadLease();
            edit(lease);
            try
            {
                await _client.ReplaceAsync(lease);
                return;
            }
            catch (ConflictException) when (attempt < 20)
            {
                // The holder renewed meanwhile: read again, as an operator does.
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not reached within {seconds} s");
            await Task.Delay(20);
        }
    }

    private static async Task WaitUntil(Func<bool> condition, int seconds = 20, Func<string>? message = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not reached within {seconds} s {message?.Invoke()}");
            await Task.Delay(20);
        }
    }
}
