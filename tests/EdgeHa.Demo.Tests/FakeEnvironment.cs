using System.Text.Json.Nodes;
using EdgeHa.Demo.Data;
using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

/// <summary>
/// A pair, its operator, nodes and collectors simulated in memory, in real (short) time: a device counter ticks
/// every 10 ms from just below the wrap; the active collector publishes each value, a hot standby buffers them; a
/// crash of the active node is followed by a promotion (a hot standby replays from two before the old active's last
/// published value, so there are duplicates and no loss; a cold one starts fresh, so there is a gap); a restore is
/// followed by a lossless fail-back after the stabilization window; a template change by a lossless planned
/// switchover to the standby, then a lossless fail-back with the rollout Complete.
/// </summary>
internal sealed class FakeEnvironment : IDemoEnvironment, IDisposable
{
    public static readonly PairManifest HotPair = Manifest("demo-hot", hot: true);
    public static readonly PairManifest ColdPair = Manifest("demo-cold", hot: false);

    private readonly Lock _gate = new();
    private readonly FakeVip _vip;
    private readonly Timer _device;
    private readonly List<int> _standbyBuffer = [];
    private PairManifest? _pair;
    private PairSnapshot? _status;
    private string _activeBackend = "";
    private string? _active;
    private bool _crashed;
    private int _sequence = 65500;
    private int _lastPublished = -1;
    private int _generation;
    private RolloutSnapshot? _rollout;

    public FakeEnvironment(FakeVip vip)
    {
        _vip = vip;
        _device = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
    }

    /// <summary>When true the "operator" never fails over (a missing piece).</summary>
    public bool NeverFailover { get; init; }

    /// <summary>When true a new pair is first placed on the standby and flips to the primary (the join-wait bug).</summary>
    public bool FirstOnStandby { get; init; }

    public TimeSpan PromotionDelay { get; init; } = TimeSpan.FromMilliseconds(150);

    public string? StatusError { get; set; }

    public List<PairEvent> Events { get; } = [];

    public List<string> Calls { get; } = [];

    public ISampleFetcher Fetcher => _vip;

    /// <summary>When true the collectors also publish to a (fake) MQTT broker and the demo subscribes there.</summary>
    public bool WithBroker { get; init; }

    public Uri? MqttBroker => WithBroker ? new Uri("mqtt://127.0.0.1:1883") : null;

    /// <summary>The demo's subscription, once it subscribed.</summary>
    public FakeSubscription? Subscription { get; private set; }

    public Task<ISampleSubscription> SubscribeAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        Calls.Add($"subscribe {pair.Name}");
        Subscription = new FakeSubscription();
        return Task.FromResult<ISampleSubscription>(Subscription);
    }

    public IVipRoute VipRoute(PairManifest pair) => _vip;

    public Task ApplyPairAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        Calls.Add($"apply {pair.Name}");
        _pair = pair;
        if (FirstOnStandby)
        {
            _ = Task.Delay(100, CancellationToken.None).ContinueWith(_ => Promote(pair.StandbyNode, "InitialPromotion", null), TaskScheduler.Default)
                .ContinueWith(_ => Task.Delay(400), TaskScheduler.Default).Unwrap()
                .ContinueWith(_ => Promote(pair.PrimaryNode, "Failback", pair.StandbyNode), TaskScheduler.Default);
        }
        else
        {
            _ = Task.Delay(100, CancellationToken.None).ContinueWith(_ => Promote(pair.PrimaryNode, "InitialPromotion", null), TaskScheduler.Default);
        }

        return Task.CompletedTask;
    }

    public Task ChangeCollectorTemplateAsync(PairManifest pair, string revision, CancellationToken cancellationToken)
    {
        Calls.Add($"upgrade {pair.Name} to {revision}");
        _ = Task.Delay(100, CancellationToken.None).ContinueWith(_ =>
        {
            _rollout = new RolloutSnapshot("new-b", "Progressing", "waiting for the former active edge-a to run the new template");
            Promote(pair.StandbyNode, "SwitchoverRequested", pair.PrimaryNode);
        }, TaskScheduler.Default).ContinueWith(_ => Task.Delay(pair.FailbackStabilization + TimeSpan.FromMilliseconds(200)), TaskScheduler.Default).Unwrap().ContinueWith(_ =>
        {
            _rollout = new RolloutSnapshot("new-a", "Complete", null);
            Promote(pair.PrimaryNode, "Failback", pair.StandbyNode);
        }, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task DeletePairAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        Calls.Add($"delete {pair.Name}");
        lock (_gate)
        {
            _active = null;
            _status = null;
        }

        return Task.CompletedTask;
    }

    public Task CrashNodeAsync(string node, CancellationToken cancellationToken)
    {
        Calls.Add($"crash {node}");
        lock (_gate)
        {
            _crashed = true;
            _vip.Failure = "ConnectionRefused: Connection refused";
            _vip.Dead.Add(_activeBackend);
        }

        if (!NeverFailover)
        {
            _ = Task.Delay(PromotionDelay, CancellationToken.None).ContinueWith(_ => Promote(_pair!.StandbyNode, "ProbeFailed", node), TaskScheduler.Default);
        }

        return Task.CompletedTask;
    }

    public Task RestoreNodeAsync(string node, CancellationToken cancellationToken)
    {
        Calls.Add($"restore {node}");
        _ = Task.Delay(_pair!.FailbackStabilization, CancellationToken.None).ContinueWith(_ => Promote(node, "Failback", _pair.StandbyNode), TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task<PairSnapshot?> GetPairAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return StatusError is { } e ? Task.FromException<PairSnapshot?>(new HttpRequestException(e)) : Task.FromResult(_status);
        }
    }

    public Task<LeaseSnapshot?> GetLeaseAsync(PairManifest pair, CancellationToken cancellationToken) =>
        Task.FromResult<LeaseSnapshot?>(null);

    public Task<IReadOnlyList<PairEvent>> GetEventsAsync(PairManifest pair, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PairEvent>>([.. Events]);

    public void Dispose() => _device.Dispose();

    private void Promote(string node, string reason, string? from)
    {
        lock (_gate)
        {
            var pair = _pair!;
            var hot = pair.Hot;
            var previous = _lastPublished;
            _active = node;
            _crashed = false;
            _activeBackend = $"{node} 127.77.{(node == "edge-a" ? 1 : 2)}.{2 + _generation++}:8080";
            if (reason == "ProbeFailed" && hot)
            {
                // Replays from two before the last value the old active published (as a lagging lease record makes it):
                // up to three duplicates, nothing lost.
                var start = _standbyBuffer.LastIndexOf((previous - 2) & 0xFFFF);
                Publish([.. _standbyBuffer.Skip(Math.Max(0, start))]);
            }
            else if (reason is "Failback" or "SwitchoverRequested" && previous >= 0)
            {
                // Planned: the new active starts exactly after the last published value.
                var next = (previous + 1) & 0xFFFF;
                var seq = _sequence;
                var list = new List<int>();
                for (var s = next; s != ((seq + 1) & 0xFFFF); s = (s + 1) & 0xFFFF)
                {
                    list.Add(s);
                }

                Publish([.. list]);
            }

            _standbyBuffer.Clear();
            _vip.Backend = _activeBackend;
            _vip.Failure = null;
            var epoch = (_status?.Epoch ?? 0) + 1;
            var now = DateTimeOffset.UtcNow;
            _status = new PairSnapshot
            {
                Phase = "Active",
                ActiveNode = node,
                Epoch = epoch,
                PredictedFailoverMs = 3800,
                Nodes = [new NodeHealth("edge-a", null, true, true), new NodeHealth("edge-b", null, true, true)],
                LastTransition = new TransitionSnapshot(now, reason, from, node, reason == "ProbeFailed" ? 100 : 0, 30),
                Rollout = _rollout ?? new RolloutSnapshot("old", "Complete", null),
            };
            Events.Add(new PairEvent($"uid-{epoch}/1", now, "Normal", reason == "InitialPromotion" ? "ActivePlaced" : "FailoverCompleted", $"{node} is active at epoch {epoch}"));
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            _sequence = (_sequence + 1) & 0xFFFF;
            if (_active is null || _crashed)
            {
                if (_pair?.Hot == true && _active is not null)
                {
                    _standbyBuffer.Add(_sequence);
                }

                return;
            }

            Publish(_sequence);
            _lastPublished = _sequence;
            if (_pair?.Hot == true)
            {
                _standbyBuffer.Add(_sequence);
            }
        }
    }

    /// <summary>What the active collector publishes: read through the VIP, and received at the subscriber when there is one.</summary>
    private void Publish(params int[] sequences)
    {
        _vip.Publish(_activeBackend, sequences);
        Subscription?.Receive(_active!, _status?.Epoch ?? 1, sequences);
    }

    private static PairManifest Manifest(string name, bool hot) => PairManifest.FromObject(new JsonObject
    {
        ["apiVersion"] = "edgeha.io/v1alpha1",
        ["kind"] = "RedundantPair",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["primaryNode"] = "edge-a",
            ["standbyNode"] = "edge-b",
            ["standbyMode"] = hot ? "Hot" : "Cold",
            ["failover"] = new JsonObject { ["failbackStabilizationSeconds"] = 0 },
            ["vip"] = new JsonObject
            {
                ["address"] = "192.168.100.50",
                ["provider"] = "MetalLB",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 8080 }),
            },
        },
    });
}
