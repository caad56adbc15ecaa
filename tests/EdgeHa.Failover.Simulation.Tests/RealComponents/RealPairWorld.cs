using EdgeHa.Collector;
using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Modbus;
using EdgeHa.Operator.Reconciliation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// One seeded schedule run on the SHIPPED fencing code: two real <see cref="LeaseHolder"/>s (what the collector and
/// the agent run), and a grantor made of the operator's real <see cref="ObservedClock"/>, <see cref="PairLeaseGrantor"/>,
/// <see cref="HealthTracker"/> and <see cref="FailoverEngine"/>, all over a <see cref="LeaseApiServer"/> with
/// compare-and-swap, in virtual time, with a clock per machine (drift, wall steps). Each holder is the collector's
/// real <see cref="LeaseRoleSource"/> driving a real <see cref="CollectorEngine"/> (ring buffer, promotion replay, the
/// outbox that checks the fence at emission) that polls a <see cref="SimDevice"/> and writes to a <see cref="SimSink"/>;
/// the broker's stream is checked by <see cref="SampleStream"/>. Only the plumbing between them (who calls whom when,
/// the pods' liveness and readiness, the probes' transport, the broker) is the simulation's own.
/// </summary>
internal sealed class RealPairWorld
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan FaultWindow = TimeSpan.FromSeconds(12);
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(15);

    private static readonly string[] Nodes = ["edge-a", "edge-b"];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LeaseApiServer _api;
    private readonly Random _random;
    private readonly GrantorVariant _variant;
    private readonly CollectorVariant _collectorVariant;
    private readonly Dictionary<string, Holder> _holders = [];
    private readonly Dictionary<string, SinkLink> _sinks = Nodes.ToDictionary(n => n, _ => new SinkLink());
    private readonly HashSet<string> _deviceDown = [];
    private readonly PriorityQueue<Action, (DateTimeOffset Due, long Order)> _later = new();
    private readonly List<(Grantor Replica, DateTimeOffset Until)> _overlapping = [];
    private readonly List<CollectorEngine> _engines = [];
    private readonly int _firstSequence;
    private long _laterOrder;
    private int _thread;
    private int _replicas = 1;
    private readonly List<(DateTimeOffset At, string What, Action Do)> _faults = [];
    private readonly List<string> _log = [];
    private Grantor _grantor;
    private long _highestEpochActed;
    private LeaseTerms _terms = new(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(200));

    public RealPairWorld(int seed, GrantorVariant variant = GrantorVariant.Shipped, CollectorVariant collector = CollectorVariant.Shipped)
    {
        Seed = seed;
        _random = new Random(seed);
        _variant = variant;
        _collectorVariant = collector;
        _api = new LeaseApiServer(_time);

        // Half the schedules start the device's counter just before it wraps.
        _firstSequence = _random.Next(2) == 0 ? 65536 - _random.Next(1, 200) : _random.Next(0, 65536);
        foreach (var node in Nodes)
        {
            _holders[node] = new Holder(this, node, 1, Rate(), Start);
        }

        _grantor = new Grantor(this, Rate());
        PlanFaults();
    }

    public int Seed { get; }

    public List<string> Violations { get; } = [];

    public int Promotions { get; private set; }

    public IReadOnlyList<string> Log => _log;

    /// <summary>What the broker received: the consumer's stream.</summary>
    public SampleStream Stream { get; } = new();

    /// <summary>Samples the collectors' outboxes dropped because they were full (counted, degraded health).</summary>
    public long Dropped => _engines.Sum(e => e.Metrics.SamplesDropped);

    /// <summary>The collectors' settings: a poll every device period, the sequence register in the polled block.</summary>
    public static CollectorOptions CollectorSettings { get; } = CreateCollectorOptions();

    /// <summary>The policy the operator runs (the demo's fast timings).</summary>
    public static FailoverPolicy Policy { get; } = FailoverPolicy.Default with
    {
        ProbePeriod = TimeSpan.FromMilliseconds(200),
        ProbeTimeout = TimeSpan.FromMilliseconds(400),
        FailureThreshold = 3,
        StartupGrace = TimeSpan.FromSeconds(1),
        JoinTimeout = TimeSpan.FromSeconds(3),
        FailbackStabilization = TimeSpan.FromSeconds(3),
        LeaseDuration = TimeSpan.FromMilliseconds(1500),
        RenewInterval = TimeSpan.FromMilliseconds(300),
        ClockSkewMargin = TimeSpan.FromMilliseconds(200),
    };

    private DateTimeOffset Start => _time.Start;

    private TimeSpan Elapsed => _time.GetUtcNow() - Start;

    public void Run()
    {
        // Continuations must run inline, on this thread, in order: the runtime inlines them only where no
        // synchronization context is current (xunit installs one on its test threads).
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        _thread = Environment.CurrentManagedThreadId;
        try
        {
            RunSchedule();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private void RunSchedule()
    {
        var end = FaultWindow + TimeSpan.FromSeconds(6) + Quiet;
        while (Elapsed < end)
        {
            _time.Advance(Tick);
            if (_faults.Count > 0 && _faults.Exists(f => f.At <= _time.GetUtcNow()))
            {
                foreach (var fault in _faults.Where(f => f.At <= _time.GetUtcNow()).ToList())
                {
                    _faults.Remove(fault);
                    Note(fault.What);
                    fault.Do();
                }
            }

            _api.Pump();
            RunLater();
            foreach (var holder in _holders.Values)
            {
                holder.Step();
            }

            _grantor.Step();
            _overlapping.RemoveAll(o => o.Until <= _time.GetUtcNow() && Stop(o.Replica));
            foreach (var (replica, _) in _overlapping)
            {
                replica.Step();
            }

            _api.Pump();
            CheckActing();
        }

        CheckConverged();
        Stream.CheckLoss(Violations);
    }

    private static CollectorOptions CreateCollectorOptions()
    {
        var options = new CollectorOptions { Interval = SimDevice.Period, Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0) };
        options.Reads.Add(new ReadBlock(ModbusTable.InputRegisters, 0, 1));
        return options;
    }

    /// <summary>The old operator replica stops: a dead process, its calls in flight never answered.</summary>
    private bool Stop(Grantor replica)
    {
        replica.Api.Cut = true;
        Note($"{replica.Name} stops");
        return true;
    }

    private void Later(TimeSpan delay, Action action) => _later.Enqueue(action, (_time.GetUtcNow() + delay, _laterOrder++));

    private void RunLater()
    {
        while (_later.TryPeek(out _, out var due) && due.Due <= _time.GetUtcNow())
        {
            _later.Dequeue()();
        }
    }

    private void OnWorldThread(string what)
    {
        if (Environment.CurrentManagedThreadId != _thread)
        {
            Violations.Add($"{Elapsed.TotalMilliseconds:0} ms: {what} ran off the simulation's thread (the run is not deterministic)");
        }
    }

    private double Rate() => 1 + ((_random.NextDouble() - 0.5) * 0.02); // drift within +-1 %

    private void Note(string what) => _log.Add($"{Elapsed.TotalMilliseconds,7:0} ms  {what}");

    /// <summary>(a) at no instant two collectors act; an older epoch never acts after a newer one did.</summary>
    private void CheckActing()
    {
        // Allocation-free in the common case (one or no holder acting): this runs every tick of every schedule.
        Holder? first = null;
        var actingNow = 0;
        foreach (var holder in _holders.Values)
        {
            if (holder.Acts())
            {
                first ??= holder;
                actingNow++;
            }
        }

        if (actingNow == 0)
        {
            return;
        }

        List<Holder> acting = actingNow == 1 ? [first!] : [.. _holders.Values.Where(h => h.Acts())];
        if (acting.Count > 1)
        {
            Violations.Add($"{Elapsed.TotalMilliseconds:0} ms: {string.Join(" and ", acting.Select(h => $"{h.Identity} (epoch {h.Lease.State.Epoch})"))} act at once");
        }

        foreach (var holder in acting)
        {
            var epoch = holder.Lease.State.Epoch;
            if (epoch < _highestEpochActed)
            {
                Violations.Add($"{Elapsed.TotalMilliseconds:0} ms: {holder.Identity} acts at epoch {epoch} after epoch {_highestEpochActed} acted");
            }

            _highestEpochActed = Math.Max(_highestEpochActed, epoch);
        }
    }

    /// <summary>(e) after the faults heal, the pair converges: one collector acts, on the node status names.</summary>
    private void CheckConverged()
    {
        var acting = _holders.Values.Where(h => h.Acts()).ToList();
        if (acting.Count != 1 || acting[0].Node != _grantor.ActiveNode)
        {
            Violations.Add($"end: {acting.Count} acting ({string.Join(", ", acting.Select(h => h.Identity))}), status says {_grantor.ActiveNode ?? "none"}");
        }
        else if (acting[0].Roles.Current != CollectorRole.Active)
        {
            Violations.Add($"end: {acting[0].Identity} holds the lease but its collector is {acting[0].Roles.Current}");
        }
    }

    // ------------------------------------------------------------------ faults

    private void PlanFaults()
    {
        var count = _random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            var at = Start + TimeSpan.FromMilliseconds(_random.Next(2000, (int)FaultWindow.TotalMilliseconds));
            var length = TimeSpan.FromMilliseconds(_random.Next(200, 6000));
            var node = Nodes[_random.Next(2)];
            var holder = _holders[node];
            switch (_random.Next(22))
            {
                case 0:
                    At(at, $"crash {node}", () => holder.Crash());
                    At(at + length, $"restart {node}", () => _holders[node] = holder.Restarted(_time.GetUtcNow()));
                    break;
                case 1:
                    At(at, $"cut {node} from the API server", () => _holders[node].Api.Cut = true);
                    At(at + length, $"heal {node}'s API link", () => _holders[node].Api.Cut = false);
                    break;
                case 2:
                    At(at, "cut the operator from the API server", () => _grantor.Api.Cut = true);
                    At(at + length, "heal the operator's API link", () => _grantor.Api.Cut = false);
                    break;
                case 3:
                    At(at, $"cut the operator from {node}'s pod (probes fail)", () => _grantor.ProbeCut.Add(node));
                    At(at + length, $"heal probes of {node}", () => _grantor.ProbeCut.Remove(node));
                    break;
                case 4:
                    var latency = TimeSpan.FromMilliseconds(_random.Next(100, 5000));
                    var operatorSide = _random.Next(2) == 0;
                    At(at, $"API latency {latency.TotalMilliseconds:0} ms for {(operatorSide ? "the operator" : node)}", () => Connection(operatorSide, node).Latency = latency);
                    At(at + length, "latency ends", () => Connection(operatorSide, node).Latency = TimeSpan.Zero);
                    break;
                case 5:
                    var code = new[] { 401, 403, 429, 500, 503 }[_random.Next(5)];
                    var forOperator = _random.Next(2) == 0;
                    At(at, $"API answers {code} to {(forOperator ? "the operator" : node)}", () => Connection(forOperator, node).Refuse = code);
                    At(at + length, $"API serves {(forOperator ? "the operator" : node)} again", () => Connection(forOperator, node).Refuse = null);
                    break;
                case 6:
                    var pause = TimeSpan.FromMilliseconds(_random.Next(100, 2 * (int)_terms.Duration.TotalMilliseconds));
                    At(at, $"pause {node}'s collector process for {pause.TotalMilliseconds:0} ms", () => _holders[node].PauseFor(pause));
                    break;
                case 7:
                    At(at, "a third party clears the Lease's holder", () => _api.Edit(l => l.Spec!.HolderIdentity = null));
                    break;
                case 8:
                    At(at, "a third party deletes the Lease", _api.Delete);
                    break;
                case 9:
                    At(at, "the spec shortens the lease to 600 ms", () => _terms = new LeaseTerms(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100)));
                    break;
                case 10:
                    var step = TimeSpan.FromSeconds(_random.Next(2) == 0 ? 10 : -10);
                    At(at, $"NTP steps the operator's wall clock by {step.TotalSeconds:+0;-0} s", () => _grantor.Clock.StepWall(step));
                    break;
                case 11:
                    At(at, "the operator restarts (a new leader: memory lost, status kept)", () => _grantor = _grantor.Restarted());
                    break;
                case 13:
                    PartitionActive(at, length, 0, null, null);
                    break;
                case 14:
                    var edit = _random.Next(2) == 0;
                    PartitionActive(at, length, _random.Next(300, 900), edit ? "a third party clears the Lease's holder" : "a third party deletes the Lease", edit ? () => _api.Edit(l => l.Spec!.HolderIdentity = null) : _api.Delete);
                    break;
                case 15:
                    PartitionActive(at, length, _random.Next(0, 300), "the spec shortens the lease to 600 ms", () => _terms = new LeaseTerms(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100)));
                    break;
                case 16:
                    var stall = TimeSpan.FromMilliseconds(_random.Next(100, 3000));
                    At(at, $"the broker applies back-pressure to {node}: each write waits {stall.TotalMilliseconds:0} ms", () => _sinks[node].AcceptDelay = stall);
                    At(at + length, $"back-pressure on {node} ends", () => _sinks[node].AcceptDelay = TimeSpan.Zero);
                    break;
                case 17:
                    At(at, $"the broker refuses {node}'s samples (full)", () => _sinks[node].Refusing = true);
                    At(at + length, $"the broker takes {node}'s samples again", () => _sinks[node].Refusing = false);
                    break;
                case 18:
                    At(at, $"{node}'s PUBACKs are lost (30 %)", () => _sinks[node].AckLoss = 0.3);
                    At(at + length, $"{node}'s PUBACKs arrive again", () => _sinks[node].AckLoss = 0);
                    break;
                case 19:
                    var late = TimeSpan.FromMilliseconds(_random.Next(500, 8000));
                    At(at, $"crash {node}", () => holder.Crash());
                    At(at + length, $"restart {node}, Ready only {late.TotalMilliseconds:0} ms later", () => _holders[node] = holder.Restarted(_time.GetUtcNow() + late));
                    break;
                case 20:
                    var overlap = TimeSpan.FromMilliseconds(_random.Next(300, 5000));
                    At(at, $"leader change: a new operator replica takes over, the old one runs on for {overlap.TotalMilliseconds:0} ms", () =>
                    {
                        _overlapping.Add((_grantor, _time.GetUtcNow() + overlap));
                        _grantor = _grantor.Restarted();
                    });
                    break;
                case 21:
                    At(at, $"{node}'s device link is down", () => _deviceDown.Add(node));
                    At(at + length, $"{node}'s device link is back", () => _deviceDown.Remove(node));
                    break;
                default:
                    At(at, $"the other replica of {node}'s collector slows its API calls to 1.9 s", () => _holders[node].Api.Latency = TimeSpan.FromMilliseconds(1900));
                    At(at + length, "slow calls end", () => _holders[node].Api.Latency = TimeSpan.Zero);
                    break;
            }
        }
    }

    /// <summary>
    /// A full partition of whichever node is active then (cut from the API server and from the operator's probes),
    /// optionally followed by a second fault while its holder may still be inside its acting window.
    /// </summary>
    private void PartitionActive(DateTimeOffset at, TimeSpan length, int thenAfterMs, string? then, Action? thenDo)
    {
        string? cut = null;
        At(at, "partition the active node", () =>
        {
            cut = _grantor.ActiveNode ?? Nodes[0];
            Note($"  ({cut}: cut from the API server and the operator)");
            _holders[cut].Api.Cut = true;
            _grantor.ProbeCut.Add(cut);
        });
        if (then is not null && thenDo is not null)
        {
            At(at + TimeSpan.FromMilliseconds(thenAfterMs), then, thenDo);
        }

        At(at + length + TimeSpan.FromMilliseconds(thenAfterMs), "heal the partition", () =>
        {
            if (cut is not null)
            {
                _holders[cut].Api.Cut = !_holders[cut].Alive;
                _grantor.ProbeCut.Remove(cut);
            }
        });
    }

    private LeaseApiConnection Connection(bool operatorSide, string node) => operatorSide ? _grantor.Api : _holders[node].Api;

    private void At(DateTimeOffset at, string what, Action action) => _faults.Add((at, what, action));

    // ------------------------------------------------------------------ the holder side: the shipped collector

    /// <summary>
    /// One collector pod: the shipped <see cref="LeaseHolder"/> inside the shipped <see cref="LeaseRoleSource"/>,
    /// which promotes the shipped <see cref="CollectorEngine"/>; the engine polls the device every period (at the
    /// node's phase) and its outbox is driven here, on the simulation's thread.
    /// </summary>
    private sealed class Holder
    {
        private static readonly Dictionary<string, int> Phase = new() { ["edge-a"] = 30, ["edge-b"] = 70 };

        private readonly RealPairWorld _world;
        private readonly double _rate;
        private readonly SimDevice _device;
        private readonly Dictionary<long, long> _deviceIndex = []; // sample number -> device sample
        private Task<TimeSpan>? _step;
        private Task? _delivery;
        private DateTimeOffset _nextStep;
        private long _lastEpoch;

        public Holder(RealPairWorld world, string node, int incarnation, double rate, DateTimeOffset readyAt)
        {
            _world = world;
            _rate = rate;
            Node = node;
            Incarnation = incarnation;
            Identity = $"{node}-pod-{incarnation}";
            ReadyAt = readyAt;
            Api = new LeaseApiConnection(world._api);
            Clock = new MachineClock(world._time, rate);
            var options = new LeaseHolderOptions { Namespace = LeaseApiServer.Namespace, LeaseName = LeaseApiServer.Name, Identity = Identity };
            LeaseHolder? created = null;
            Roles = new LeaseRoleSource(last => created = new LeaseHolder(Api, options, last, Clock) { Jitter = new Random(world._random.Next()) });
            Lease = created!;
            Lease.StateChanged += (_, state) =>
            {
                world.Note($"{Identity}: acting={state.Acting} epoch={state.Epoch} ({state.Reason})");
                _lastEpoch = state.Acting ? state.Epoch : _lastEpoch;
            };
            _device = new SimDevice(world._time, world.Start, world._firstSequence, () => world._deviceDown.Contains(node));
            var sink = new SimSink(world._sinks[node], world._collectorVariant, Wait, Emit, () => TimeSpan.FromMilliseconds(world._random.Next(2, 40)), world._random.NextDouble);
            Engine = new CollectorEngine(CollectorSettings, _device, Roles, Clock, null, [sink], null, outboxDrivenByOwner: true, outboxJitter: new Random(world._random.Next()));
            Roles.Attach(Engine);
            Roles.RoleChanged += (_, e) =>
            {
                if (e.Current == CollectorRole.Active)
                {
                    var unpublished = Engine.Buffer.Snapshot().Where(b => !b.Published).Select(b => _deviceIndex[b.Sample.Number]).ToList();
                    world.Note($"{Identity}: collector active, {unpublished.Count} unpublished sample(s) buffered");
                    world.Stream.Promote(Identity, unpublished);
                }
            };
            world._engines.Add(Engine);
        }

        public string Node { get; }

        public int Incarnation { get; }

        public string Identity { get; }

        public bool Alive { get; private set; } = true;

        /// <summary>When the kubelet reports the pod Ready (a slow start, a long readiness delay).</summary>
        public DateTimeOffset ReadyAt { get; }

        public bool Ready => _world._time.GetUtcNow() >= ReadyAt;

        public LeaseApiConnection Api { get; }

        public MachineClock Clock { get; }

        public LeaseRoleSource Roles { get; }

        public LeaseHolder Lease { get; }

        public CollectorEngine Engine { get; }

        private bool Paused => _world._time.GetUtcNow() < Clock.PausedUntil;

        /// <summary>True if the process runs and its holder says it may act now.</summary>
        public bool Acts() => Alive && !Paused && Lease.State.Acting;

        public void Step()
        {
            if (!Alive || Paused)
            {
                return;
            }

            if (_step is { IsCompleted: true } done)
            {
                _nextStep = _world._time.GetUtcNow() + (done.IsCompletedSuccessfully ? done.Result : TimeSpan.FromMilliseconds(100));
                if (done.IsFaulted)
                {
                    _world.Violations.Add($"{_world.Elapsed.TotalMilliseconds:0} ms: {Identity}'s step threw {done.Exception!.InnerException!.GetType().Name}: {done.Exception.InnerException.Message}");
                }

                _step = null;
            }

            if (_step is null && _world._time.GetUtcNow() >= _nextStep)
            {
                _step = Lease.StepAsync(CancellationToken.None);
            }

            Poll();
            Deliver();
        }

        public void Crash()
        {
            Alive = false;
            Api.Cut = true; // a dead process answers nothing and sends nothing more
            Clock.Stopped = true;
        }

        public Holder Restarted(DateTimeOffset readyAt) => new(_world, Node, Incarnation + 1, _rate, readyAt);

        public void PauseFor(TimeSpan pause) => Clock.PausedUntil = _world._time.GetUtcNow() + pause;

        private void Poll()
        {
            var ms = (long)_world.Elapsed.TotalMilliseconds - Phase[Node];
            if (ms < 0 || ms % (long)SimDevice.Period.TotalMilliseconds != 0)
            {
                return;
            }

            var poll = Engine.PollOnceAsync(CancellationToken.None);
            if (!poll.IsCompleted)
            {
                _world.Violations.Add($"{_world.Elapsed.TotalMilliseconds:0} ms: {Identity}'s poll did not complete at once");
            }
            else if (poll.IsCompletedSuccessfully && poll.Result is { } sample)
            {
                _deviceIndex[sample.Number] = _device.LastIndex;
            }
        }

        /// <summary>Runs the outbox until its queue is empty or a write waits (on this thread, inline).</summary>
        private void Deliver()
        {
            if (_delivery is { IsCompleted: false } || (_delivery is null or { IsCompletedSuccessfully: true } && Engine.PublishQueueDepth == 0))
            {
                return;
            }

            if (_delivery is { IsFaulted: true } failed)
            {
                _world.Violations.Add($"{_world.Elapsed.TotalMilliseconds:0} ms: {Identity}'s outbox threw {failed.Exception!.InnerException!.Message}");
            }

            _delivery = Engine.DeliverQueuedAsync();
        }

        /// <summary>A wait on this process's timers: frozen while it is paused, never over once it died.</summary>
        private Task Wait(TimeSpan delay)
        {
            var done = new TaskCompletionSource();
            _world.Later(delay, () => Resume(done));
            return done.Task;
        }

        private void Resume(TaskCompletionSource done)
        {
            if (!Alive)
            {
                return;
            }

            if (Paused)
            {
                _world.Later(Clock.PausedUntil - _world._time.GetUtcNow(), () => Resume(done));
                return;
            }

            done.SetResult();
        }

        /// <summary>The broker has the sample from now: tagged with the epoch this pod holds (or last held).</summary>
        private void Emit(Sample sample)
        {
            _world.OnWorldThread($"{Identity}'s emission");
            var state = Lease.State;
            var acting = Alive && !Paused && state.Acting;
            var at = $"{_world.Elapsed.TotalMilliseconds:0} ms";
            _world.Stream.Emit(at, Identity, state.Acting ? state.Epoch : _lastEpoch, acting, _deviceIndex[sample.Number], _world.Violations);
        }
    }

    // ------------------------------------------------------------------ the grantor: the operator's shipped units

    private sealed class Grantor
    {
        private readonly RealPairWorld _world;
        private readonly double _rate;
        private readonly ObservedClock _observed;
        private readonly Dictionary<string, HealthTracker> _probes = [];
        private readonly DateTimeOffset _startedAt;
        private FailoverState _state = FailoverState.Initial;
        private Task? _reconcile;
        private DateTimeOffset _nextReconcile;
        private DateTimeOffset _nextProbe;

        public Grantor(RealPairWorld world, double rate, Status? status = null)
        {
            _world = world;
            Name = $"operator-{world._replicas++}";
            _rate = rate;
            Api = new LeaseApiConnection(world._api);
            Clock = new MachineClock(world._time, rate);
            _observed = new ObservedClock(Clock);
            _startedAt = Clock.GetUtcNow();
            StatusRecord = status ?? new Status(null, 0, null, 0);
            foreach (var node in Nodes)
            {
                _probes[node] = new HealthTracker(Policy);
            }
        }

        /// <summary>The pair's status (kept in the API server, so it survives a restart of the operator).</summary>
        public sealed record Status(string? ActiveNode, long Epoch, TransitionRecord? LastTransition, long FailoverCount);

        public string Name { get; }

        public LeaseApiConnection Api { get; }

        public MachineClock Clock { get; }

        public HashSet<string> ProbeCut { get; } = [];

        public Status StatusRecord { get; private set; }

        public string? ActiveNode => StatusRecord.ActiveNode;

        public Grantor Restarted()
        {
            var next = new Grantor(_world, _rate, StatusRecord);
            next.Api.Cut = Api.Cut;
            next.Api.Latency = Api.Latency;
            next.Api.Refuse = Api.Refuse;
            next.Clock.StepWall(Clock.GetUtcNow() - _world._time.GetUtcNow());
            foreach (var node in ProbeCut)
            {
                next.ProbeCut.Add(node);
            }

            return next;
        }

        public void Step()
        {
            var now = Clock.GetUtcNow();
            if (now >= _nextProbe)
            {
                _nextProbe = now + Policy.ProbePeriod;
                foreach (var (node, tracker) in _probes)
                {
                    tracker.RecordSent(now);
                    var holder = _world._holders[node];
                    if (holder.Alive && !ProbeCut.Contains(node))
                    {
                        tracker.RecordResult(now, true, now); // an answer; silence times out in the tracker
                    }
                }
            }

            if (_reconcile is { IsCompleted: true } done)
            {
                if (done.IsFaulted)
                {
                    _world.Violations.Add($"{_world.Elapsed.TotalMilliseconds:0} ms: reconcile threw {done.Exception!.InnerException!.GetType().Name}: {done.Exception.InnerException.Message}");
                }

                _reconcile = null;
            }

            if (_reconcile is null && now >= _nextReconcile)
            {
                _nextReconcile = now + TimeSpan.FromMilliseconds(100);
                _reconcile = ReconcileAsync(now);
            }
        }

        private async Task ReconcileAsync(DateTimeOffset now)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), Clock);
            var terms = _world._terms;
            Lease lease;
            try
            {
                lease = await Api.GetAsync<Lease>(LeaseApiServer.Name, LeaseApiServer.Namespace, timeout.Token);
            }
            catch (NotFoundException)
            {
                var fresh = new Lease();
                terms.WriteTo(fresh);
                PairLeaseGrantor.DeclareHeldUnder(fresh, terms, _observed.Remembered("lease"));

                await Try(Api.CreateAsync(fresh, timeout.Token));
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or OperationCanceledException)
            {
                return;
            }

            now = Clock.GetUtcNow();
            var pods = Nodes.ToDictionary(n => n, n => _world._holders[n].Alive ? Pod(_world._holders[n]) : null);
            var stamp = PairLeaseGrantor.Stamp(lease);
            var observedAt = _world._variant == GrantorVariant.WallClockWaits ? WallObserve(stamp, now) : _observed.Observe("lease", stamp, now);
            var leaseObservation = _world._variant.Read(lease, terms, StatusRecord.Epoch, observedAt, name => pods.Values.FirstOrDefault(p => p?.Metadata.Name == name), pods);
            if (_world._variant != GrantorVariant.CurrentDurationOnly)
            {
                leaseObservation = leaseObservation with { Duration = _observed.Longest("lease", leaseObservation.Duration, terms.ClockSkewMargin) };
            }
            SideObservation Side(string node) => new(
                new NodeObservation(node),
                pods[node] is null ? PodObservation.Missing : new PodObservation(true, _world._holders[node].Ready, _probes[node].Evaluate(now)));
            var observation = new PairObservation(
                Side(Nodes[0]),
                Side(Nodes[1]),
                leaseObservation,
                StatusRecord.ActiveNode,
                Math.Max(StatusRecord.Epoch, PairLeaseGrantor.Epoch(lease)),
                _startedAt,
                _state,
                StatusRecord.LastTransition,
                StatusRecord.FailoverCount,
                JoinSince: _startedAt);
            var decision = FailoverEngine.Decide(observation, Policy with { LeaseDuration = terms.Duration, RenewInterval = terms.RenewInterval, ClockSkewMargin = terms.ClockSkewMargin }, now);
            var action = decision.Lease;
            long granted = 0;
            if (action.Kind == LeaseActionKind.Grant && action.IsDue(now))
            {
                if (pods[action.Node!] is not { } pod)
                {
                    return;
                }

                var grant = PairLeaseGrantor.Grant(lease, pod.Metadata.Name!, action.Node!, decision.Epoch, terms, now);
                if (!await Try(Api.ReplaceAsync(grant, timeout.Token)))
                {
                    return;
                }

                granted = PairLeaseGrantor.Epoch(grant);
                _world.Promotions++;
                _world.Note($"{Name} granted epoch {granted} to {pod.Metadata.Name}");
            }
            else if (action.Kind == LeaseActionKind.Revoke && pods.TryGetValue(decision.ActiveNode!, out var target) && target is not null
                && !(lease.Metadata.Annotations?.TryGetValue(FencingAnnotations.HandoverRequested, out var asked) == true && asked == target.Metadata.Name))
            {
                await Try(Api.AnnotateAsync(new Dictionary<string, string?> { [FencingAnnotations.HandoverRequested] = target.Metadata.Name }, null, timeout.Token));
            }
            else if (action.Kind == LeaseActionKind.Keep && LeaseTerms.FromLease(lease, terms) != terms)
            {
                var written = new Lease();
                terms.WriteTo(written);
                await Try(Api.AnnotateAsync(written.Metadata.Annotations!.ToDictionary(a => a.Key, a => (string?)a.Value), written.Spec!.LeaseDurationSeconds, timeout.Token));
            }

            // Only a decision applied in full moves status and the engine's memory on, as in the reconciler.
            if (!Api.Cut)
            {
                StatusRecord = new Status(decision.ActiveNode, Math.Max(decision.Epoch, granted), decision.Transition ?? StatusRecord.LastTransition, decision.FailoverCount);
                _state = decision.State;
            }
        }

        private (string Stamp, DateTimeOffset At)? _wallSeen;

        /// <summary>The broken variant of the observation clock: first sighting by the wall clock.</summary>
        private DateTimeOffset WallObserve(string stamp, DateTimeOffset now)
        {
            if (_wallSeen is not { } seen || seen.Stamp != stamp)
            {
                _wallSeen = (stamp, now);
            }

            return _wallSeen.Value.At;
        }

        private static async Task<bool> Try<T>(Task<T> call)
        {
            try
            {
                await call;
                return true;
            }
            catch (Exception e) when (e is KubernetesApiException or OperationCanceledException)
            {
                return false;
            }
        }

        private static Pod Pod(Holder holder) => new()
        {
            Metadata = new ObjectMeta { Name = holder.Identity, Labels = new Dictionary<string, string> { [PairLabels.Node] = holder.Node } },
        };
    }
}
