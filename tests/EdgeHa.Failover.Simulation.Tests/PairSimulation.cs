namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>
/// One seeded schedule in virtual time: two nodes (kubelet + collector, each with its own skewed clock), the API
/// server as the arbiter of the pair Lease (compare-and-swap on resourceVersion), the network, and the operator
/// running the real <see cref="FailoverEngine"/> and <see cref="HealthTracker"/>. Invariants are checked as events
/// happen; everything is deterministic in the seed.
/// </summary>
internal sealed class PairSimulation
{
    public const long FaultWindowEndMs = 40_000;
    public const long QuietMs = 50_000;
    public const long RequestTimeoutMs = 1_000;
    public const long NodeMonitorGraceMs = 20_000;
    public const long KubeletTickMs = 1_000;
    public const long MaxStartMs = 1_000;

    /// <summary>Cold standby: the kubelet notices the role at its next tick, one round trip, then the process starts.</summary>
    public const long ColdStartAllowanceMs = KubeletTickMs + 200 + MaxStartMs + 400;

    private static readonly DateTimeOffset Epoch0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SimRandom _rng;
    private readonly SimVariant _variant;
    private readonly EventQueue _q = new();
    private readonly SimNode[] _nodes;
    private readonly SimOperator _op;
    private readonly List<string> _violations = [];
    private readonly List<string>? _trace;
    private readonly List<Fault> _faults;
    private readonly List<(long At, int Node)> _actingStarts = [];
    private readonly List<long> _justifications = [];
    private (long At, string To, DateTimeOffset Decided)? _lastSwitch;
    private readonly int[] _deviceDown = new int[1];
    private int _apiSlow;
    private int _apiErrors;
    private double _apiErrorRate;
    private long _healedAt;

    // API server state.
    private SimLease _lease;
    private SimLease _watchedLease;
    private readonly NodeRole[] _roles;
    private readonly long[] _heartbeatMs = new long[2];
    private readonly DateTimeOffset?[] _nodeLeaseRenew = new DateTimeOffset?[2];
    private SimStatus _status = new(null, 0, 0, null, FailoverState.Initial, null);
    private SwitchoverRequest? _request;
    private FailoverPolicy _policy;
    private long _rv = 1;
    private int _requests;

    public PairSimulation(ulong seed, FailoverPolicy policy, SimVariant variant, bool trace)
    {
        Seed = seed;
        _rng = new SimRandom(seed);
        _variant = variant;
        _policy = policy with { StandbyMode = _rng.Chance(0.25) ? StandbyMode.Cold : StandbyMode.Hot };
        InitialPolicy = _policy;
        _trace = trace ? [] : null;
        // Bounded clock skew: every clock within +-margin/2 of true time, so any two differ by at most the margin.
        var half = (long)_policy.ClockSkewMargin.TotalMilliseconds / 2;
        _nodes = [new SimNode(0, "edge-a", _rng.Range(-half, half)), new SimNode(1, "edge-b", _rng.Range(-half, half))];
        _op = new SimOperator(_rng.Range(-half, half));
        _lease = new SimLease(null, null, _policy.LeaseDuration, 0, null, _rv);
        _watchedLease = _lease;
        _roles = [RoleOf(0, null), RoleOf(1, null)];
        _faults = FaultSchedule.Generate(_rng, _policy);
        Bound = FailoverTiming.PredictWorstCase(_policy).Total.Ticks / TimeSpan.TicksPerMillisecond
            + (_policy.StandbyMode == StandbyMode.Cold ? ColdStartAllowanceMs : 0);
    }

    public ulong Seed { get; }

    public FailoverPolicy InitialPolicy { get; }

    /// <summary>The predicted worst case for this schedule's policy (plus the cold start allowance in Cold mode).</summary>
    public long Bound { get; }

    private long Now => _q.Now;

    public ScheduleResult Run()
    {
        Log($"policy {InitialPolicy.StandbyMode}, skew a={_nodes[0].ClockOffsetMs} b={_nodes[1].ClockOffsetMs} op={_op.ClockOffsetMs} ms, bound {Bound} ms");
        foreach (var f in _faults)
        {
            Log($"fault {f}");
        }

        foreach (var node in _nodes)
        {
            _heartbeatMs[node.Index] = 0;
            _nodeLeaseRenew[node.Index] = Local(node.ClockOffsetMs);
            BootNode(node);
        }

        StartOperator();
        foreach (var fault in _faults.Where(f => !f.Measured))
        {
            _q.At(fault.Start, () => Inject(fault, true));
            if (fault.End > fault.Start)
            {
                _q.At(fault.End, () => Inject(fault, false));
            }
        }

        _healedAt = Math.Max(FaultWindowEndMs, _faults.Count == 0 ? 0 : _faults.Max(f => f.End));
        var measured = _faults.FirstOrDefault(f => f.Measured);
        long? measuredMs = null;
        var skipped = false;
        if (measured is not null)
        {
            // The measured failure hits whichever node is active at that instant.
            _q.At(measured.Start, () =>
            {
                skipped = !Steady(out _);
                measured = measured with { Node = _status.ActiveNode is { } a ? Index(a) : 0 };
                var concrete = measured;
                Inject(concrete, true);
                _q.At(concrete.End, () => Inject(concrete, false));
            });
        }

        var end = _healedAt + QuietMs;
        _q.RunUntil(end);
        if (measured is not null && !skipped)
        {
            var standby = measured.Node == 0 ? 1 : 0;
            var start = _actingStarts.FirstOrDefault(s => s.Node == standby && s.At >= measured.Start);
            measuredMs = start == default ? null : start.At - measured.Start;
            if (measuredMs is null || measuredMs > Bound)
            {
                Violation($"failover bound: {measured} -> {_nodes[standby].Name} acted {(measuredMs is null ? "never" : $"after {measuredMs} ms")} > predicted {Bound} ms");
            }
        }

        CheckConverged();
        return new ScheduleResult(Seed, _violations, measuredMs, Bound, measured is not null && skipped, InitialPolicy.StandbyMode == StandbyMode.Cold, _q.Processed, _trace ?? []);
    }

    // ---------------------------------------------------------------- invariants

    private bool IsActing(SimNode node, long at) =>
        node.Up && node.Running && node.Acting
        && (_variant == SimVariant.CollectorsIgnoreExpiry || at < ActingUntil(node));

    /// <summary>True time at which the collector's own clock reaches basis + duration - stop margin.</summary>
    private long ActingUntil(SimNode node) =>
        node.BasisLocalMs - node.ClockOffsetMs + Ms(_lease.Duration) - StopMarginMs;

    private long StopMarginMs => Ms(_policy.ClockSkewMargin) / 2;

    private void StartActing(SimNode node)
    {
        var other = _nodes[1 - node.Index];
        if (IsActing(other, Now))
        {
            Violation($"dual active at {Now} ms: {node.Name} starts acting while {other.Name} acts (until {(_variant == SimVariant.CollectorsIgnoreExpiry ? "it hears otherwise" : ActingUntil(other) + " ms")})");
        }

        _actingStarts.Add((Now, node.Index));
        Log($"{node.Name} starts acting (basis {node.BasisLocalMs})");
    }

    /// <summary>At the measured failure: one collector acts, it is the active in status, the standby can serve, no fault is on.</summary>
    private bool Steady(out string why)
    {
        var active = _status.ActiveNode;
        why = "";
        var decision = _op.Last;
        if (!_op.Up || decision is null || decision.Phase != PairPhase.Active || decision.State.DegradedReason is not null)
        {
            why = "operator not steady";
        }
        else if (active is null || _lease.Holder != active || !IsActing(_nodes[Index(active)], Now) || IsActing(_nodes[1 - Index(active)], Now))
        {
            why = "not exactly the active acting";
        }
        else if (_faults.Any(f => !f.Measured && f.Start <= Now && f.End >= Now - 2_000))
        {
            why = "another fault is on";
        }

        Log($"measured failure at {Now}: {(why.Length == 0 ? "steady" : "skipped: " + why)}");
        return why.Length == 0;
    }

    private void CheckConverged()
    {
        var holder = _lease.Holder;
        var last = _op.Last;
        var actingNow = _nodes.Where(n => IsActing(n, Now)).Select(n => n.Name).ToList();
        var problems = new List<string>();
        if (_status.ActiveNode is null || holder != _status.ActiveNode)
        {
            problems.Add($"status.activeNode {_status.ActiveNode ?? "-"} but lease holder {holder ?? "-"}");
        }

        if (actingNow.Count != 1 || actingNow[0] != _status.ActiveNode)
        {
            problems.Add($"acting [{string.Join(",", actingNow)}] but status.activeNode {_status.ActiveNode ?? "-"}");
        }

        if (last is null || last.Phase != PairPhase.Active)
        {
            problems.Add($"phase {last?.Phase.ToString() ?? "-"}, not Active");
        }
        else
        {
            if (last.Conditions.Any(c => c.Type is ConditionTypes.Degraded or ConditionTypes.FailoverInProgress && c.Status == ConditionValue.True)
                || last.Conditions.Any(c => c.Type == ConditionTypes.Ready && c.Status != ConditionValue.True))
            {
                problems.Add("conditions not settled: " + string.Join(", ", last.Conditions.Select(c => $"{c.Type}={c.Status}({c.Reason})")));
            }

            if (last.Nodes.Any(n => !n.Healthy))
            {
                problems.Add("node verdicts not healthy: " + string.Join(", ", last.Nodes.Select(n => $"{n.Name}:{n.Message}")));
            }
        }

        if (_policy.Failback == FailbackMode.Automatic && _status.ActiveNode != _nodes[0].Name)
        {
            problems.Add($"automatic fail-back: active is {_status.ActiveNode ?? "-"}, not the primary");
        }

        if (_request is { } r && _status.State.LastHandledSwitchoverId != r.Id)
        {
            problems.Add($"switchover request {r.Id} never acknowledged");
        }

        if (problems.Count > 0)
        {
            Violation($"not converged {QuietMs} ms after faults stopped: {string.Join("; ", problems)}");
        }
    }

    private void OnSwitchCommitted(TransitionRecord t)
    {
        Log($"switch committed: {t.Kind} {t.Reason} {t.From ?? "-"} -> {t.To}");
        if (_lastSwitch is { } prev && t.From is not null)
        {
            var window = Ms(_policy.FailbackStabilization);
            // A fault that began shortly before the previous switch may only show after it (probes in flight, or an API
            // partition that the collector's health reports after a lease duration): it is new for the node switched to.
            var lookBack = Ms(FailoverTiming.PredictWorstCase(_policy).Detection + _policy.LeaseDuration);
            // Intermittent faults (probe flaps, API errors) make new failures all the time while they are on.
            var intermittent = _faults.Any(f => f.Kind is FaultKind.ProbeFlap or FaultKind.ApiErrors && f.Start <= Now && f.End > prev.At);
            var justified = intermittent || _justifications.Any(j => j > prev.At - lookBack && j <= Now);
            // Measured between the decisions (what the engine and status see); two leaders' clocks differ by up to the margin.
            var apart = Ms(t.At - prev.Decided);
            if (apart < window - Ms(_policy.ClockSkewMargin) && !justified)
            {
                Violation($"flapping: switch to {t.To} at {Now} ms, {apart} ms after the switch to {prev.To}, with no new failure in between");
            }
        }

        _lastSwitch = (Now, t.To, t.At);
    }

    private void Violation(string message)
    {
        if (_violations.Count < 10)
        {
            _violations.Add(message);
        }

        Log("VIOLATION " + message);
    }

    private void Log(string message) => _trace?.Add($"{Now,7} ms  {message}");

    // ---------------------------------------------------------------- faults

    private void Inject(Fault f, bool on)
    {
        Log($"{(on ? "inject" : "heal")} {f}");
        var d = on ? 1 : -1;
        var node = _nodes[Math.Min(f.Node, 1)];
        if (f.Kind is not (FaultKind.OperatorRestart or FaultKind.ApiSlow or FaultKind.SpecEdit or FaultKind.PartitionNodeNode))
        {
            _justifications.Add(Now);
        }

        switch (f.Kind)
        {
            case FaultKind.NodeCrash:
                node.Crashes += d;
                if (on && node.Up)
                {
                    node.Up = false;
                    node.Incarnation++;
                    node.Running = node.Acting = node.Starting = false;
                    node.Process++;
                }
                else if (!on && node.Crashes == 0)
                {
                    BootNode(node);
                }

                break;
            case FaultKind.CollectorCrash:
                if (on)
                {
                    node.CrashHoldUntil = Math.Max(node.CrashHoldUntil, f.End);
                    node.Running = node.Acting = false;
                    node.Process++;
                }

                break;
            case FaultKind.PartitionNodeApi:
                node.ApiCut += d;
                break;
            case FaultKind.PartitionNodeNode:
                break; // collectors never talk to each other: the design is immune, which the invariants confirm
            case FaultKind.PartitionOperatorNode:
                node.OperatorCut += d;
                break;
            case FaultKind.NetworkIsolation:
                node.OperatorCut += d;
                node.ApiCut += d;
                break;
            case FaultKind.ProbeFlap:
                node.Flaps += d;
                node.FlapProbability = on ? f.Param : node.FlapProbability;
                break;
            case FaultKind.DeviceOutage:
                _deviceDown[0] += d;
                break;
            case FaultKind.DeviceLinkCut:
                node.DeviceLinkCut += d;
                break;
            case FaultKind.ApiSlow:
                _apiSlow += d;
                break;
            case FaultKind.ApiErrors:
                _apiErrors += d;
                _apiErrorRate = on ? f.Param : _apiErrorRate;
                break;
            case FaultKind.OperatorRestart:
                if (on)
                {
                    _op.Up = false;
                    _op.Incarnation++;
                    _op.WriteInFlight = _op.EvalScheduled = false;
                    _op.Restarts++;
                    _q.At(f.End, StartOperator);
                }

                break;
            case FaultKind.SwitchoverRequest:
                if (on)
                {
                    _request = new SwitchoverRequest($"req-{++_requests}", f.Node == 2 ? "edge-x" : node.Name, f.Param > 0);
                    RequestEval();
                }

                break;
            case FaultKind.Cordon:
                node.Cordons += d;
                RequestEval();
                break;
            case FaultKind.SpecEdit:
                if (on)
                {
                    _policy = _policy with
                    {
                        FailoverDelay = TimeSpan.FromMilliseconds(_rng.Pick([0, 0, 300, 1000])),
                        Failback = _rng.Chance(0.5) ? FailbackMode.Automatic : FailbackMode.Manual,
                        FailbackStabilization = TimeSpan.FromSeconds(_rng.Pick([10, 20, 30])),
                    };
                    Log($"spec edited: delay {_policy.FailoverDelay.TotalMilliseconds} ms, failback {_policy.Failback}, window {_policy.FailbackStabilization.TotalSeconds} s");
                    RequestEval();
                }

                break;
        }
    }

    // ---------------------------------------------------------------- network and API server

    private long Latency() => _rng.Range(1, _apiSlow > 0 ? 100 : 40);

    /// <summary>
    /// A request to the API server from a node (0, 1) or the operator (2). A cut caller times out; an error may happen
    /// before or after the write is applied; a reply can be lost on a partition that starts while it is in flight.
    /// </summary>
    private void Call<T>(int from, Func<T> apply, Action<T?> done, Func<bool> alive)
        where T : class
    {
        var sentAt = Now;
        bool Cut() => from < 2 && _nodes[from].ApiCut > 0;
        void Timeout() => _q.At(sentAt + RequestTimeoutMs, () =>
        {
            if (alive())
            {
                done(null);
            }
        });

        if (Cut())
        {
            Timeout();
            return;
        }

        _q.After(Latency(), () =>
        {
            T? result = null;
            var error = _apiErrors > 0 && _rng.Chance(_apiErrorRate);
            if (!error || _rng.Chance(0.5))
            {
                var applied = apply();
                result = error ? null : applied;
            }

            _q.After(Latency(), () =>
            {
                if (Cut())
                {
                    Timeout();
                }
                else if (alive())
                {
                    done(result);
                }
            });
        });
    }

    private sealed record Cas(bool Ok, SimLease Lease);

    private Cas CompareAndSwap(long expectedRv, Func<SimLease, SimLease> change)
    {
        if (_lease.Rv != expectedRv)
        {
            return new Cas(false, _lease);
        }

        _lease = change(_lease) with { Rv = ++_rv };
        if (_trace is not null)
        {
            Log($"lease -> holder {_lease.Holder ?? "-"} renew {_lease.RenewTime?.ToUnixTimeMilliseconds() - Epoch0.ToUnixTimeMilliseconds()} released-by {_lease.ReleasedBy ?? "-"} rv {_lease.Rv}");
        }

        // The operator watches the Lease: it sees the change one network latency later (its informer cache lags).
        var snapshot = _lease;
        _q.After(Latency(), () =>
        {
            if (snapshot.Rv > _watchedLease.Rv)
            {
                _watchedLease = snapshot;
            }

            RequestEval();
        });
        return new Cas(true, _lease);
    }

    /// <summary>The server side of a release: read, and compare-and-swap on that resourceVersion, in one request.</summary>
    private Cas ReleaseIfMine(string node, int heldTransitions)
    {
        var lease = _lease;
        var mine = lease.Transitions == heldTransitions && (lease.Holder == node || (lease.Holder is null && lease.ReleasedBy is null));
        return mine ? CompareAndSwap(lease.Rv, l => l with { Holder = null, ReleasedBy = node }) : new Cas(false, lease);
    }

    private bool NodeReady(int i) => Now - _heartbeatMs[i] < NodeMonitorGraceMs;

    private DateTimeOffset Local(long offset) => Epoch0.AddMilliseconds(Now + offset);

    private static long Ms(TimeSpan t) => t.Ticks / TimeSpan.TicksPerMillisecond;

    private int Index(string name) => name == _nodes[0].Name ? 0 : 1;

    private NodeRole RoleOf(int i, string? active) => FailoverEngine.RoleOf(_nodes[i].Name, active, _policy);

    private bool DeviceReachableFrom(SimNode node) => _deviceDown[0] == 0 && node.DeviceLinkCut == 0;

    // ---------------------------------------------------------------- nodes: kubelet and collector

    private void BootNode(SimNode node)
    {
        node.Up = true;
        node.Incarnation++;
        var incarnation = node.Incarnation;
        _q.After(_rng.Range(0, KubeletTickMs), () => KubeletTick(node, incarnation));
    }

    private void KubeletTick(SimNode node, int incarnation)
    {
        if (!node.Up || node.Incarnation != incarnation)
        {
            return;
        }

        _q.After(KubeletTickMs, () => KubeletTick(node, incarnation));
        var local = Local(node.ClockOffsetMs);
        Call(node.Index, () =>
        {
            _heartbeatMs[node.Index] = Now;
            _nodeLeaseRenew[node.Index] = local;
            return (object)_roles[node.Index];
        }, role =>
        {
            if (role is NodeRole r)
            {
                node.KnownRole = r;
            }

            ReconcileProcess(node);
        }, () => node.Up && node.Incarnation == incarnation);
    }

    /// <summary>The kubelet runs the collector when its Deployment wants it (hot: always; cold: only when active).</summary>
    private void ReconcileProcess(SimNode node)
    {
        var want = node.Up && (_policy.StandbyMode == StandbyMode.Hot || node.KnownRole != NodeRole.Stopped) && Now >= node.CrashHoldUntil;
        if (want && !node.Running && !node.Starting)
        {
            node.Starting = true;
            var incarnation = node.Incarnation;
            _q.After(_rng.Range(300, MaxStartMs), () =>
            {
                if (!node.Up || node.Incarnation != incarnation)
                {
                    return;
                }

                node.Starting = false;
                node.Running = true;
                node.Process++;
                node.Acting = false;
                node.HeldTransitions = -1;
                node.LastApiContact = Now;
                Log($"{node.Name} collector started");
                var process = node.Process;
                _q.After(0, () => CollectorTick(node, process));
            });
        }
        else if (!want && node.Running && _policy.StandbyMode == StandbyMode.Cold)
        {
            node.Running = node.Acting = false;
            node.Process++;
            Log($"{node.Name} collector stopped (cold standby)");
            if (node.HeldTransitions >= 0)
            {
                // Graceful termination: the collector has stopped acting and releases what it held on its way out.
                var held = node.HeldTransitions;
                var incarnation = node.Incarnation;
                node.HeldTransitions = -1;
                Call(node.Index, () => ReleaseIfMine(node.Name, held), _ => { }, () => node.Up && node.Incarnation == incarnation);
            }
        }
    }

    private bool Alive(SimNode node, int process) => node.Up && node.Running && node.Process == process;

    private void CollectorTick(SimNode node, int process)
    {
        if (!Alive(node, process))
        {
            return;
        }

        _q.After(Ms(_policy.RenewInterval), () => CollectorTick(node, process));
        Call(node.Index, () => new ReadResult(_lease, _roles[node.Index]), r => OnCollectorRead(node, process, r), () => Alive(node, process));
    }

    private sealed record ReadResult(SimLease Lease, NodeRole Role);

    private void OnCollectorRead(SimNode node, int process, ReadResult? read)
    {
        if (read is null)
        {
            return; // no answer: keep acting only until the lease runs out by this node's clock
        }

        node.LastApiContact = Now;
        node.KnownRole = read.Role;
        var lease = read.Lease;
        if (read.Role == NodeRole.Active && lease.Holder == node.Name)
        {
            var sendLocal = Now + node.ClockOffsetMs;
            Call(node.Index, () => CompareAndSwap(lease.Rv, l => l with { RenewTime = Epoch0.AddMilliseconds(sendLocal), ReleasedBy = null }), cas =>
            {
                if (cas is { Ok: true })
                {
                    var wasActing = IsActing(node, Now);
                    node.BasisLocalMs = sendLocal;
                    node.HeldTransitions = cas.Lease.Transitions;
                    node.Acting = true;
                    if (!wasActing)
                    {
                        StartActing(node);
                    }
                }
            }, () => Alive(node, process));
            return;
        }

        // Not (or no longer) allowed to act: stop first, then release or acknowledge the revoke.
        if (node.Acting)
        {
            node.Acting = false;
            Log($"{node.Name} stops acting (role {read.Role}, holder {lease.Holder ?? "-"})");
        }

        var mine = lease.Holder == node.Name
            || (lease.Holder is null && lease.ReleasedBy is null && node.HeldTransitions == lease.Transitions);
        if (mine && node.HeldTransitions >= 0)
        {
            Call(node.Index, () => CompareAndSwap(lease.Rv, l => l with { Holder = null, ReleasedBy = node.Name }), cas =>
            {
                if (cas is { Ok: true })
                {
                    node.HeldTransitions = -1;
                }
            }, () => Alive(node, process));
        }

        if (_policy.StandbyMode == StandbyMode.Cold && read.Role == NodeRole.Stopped)
        {
            ReconcileProcess(node);
        }
    }

    private bool ProbeHealthy(SimNode node) =>
        node.Running && Now - node.LastApiContact < Ms(_policy.LeaseDuration)
        && !(node.Flaps > 0 && _rng.Chance(node.FlapProbability));

    // ---------------------------------------------------------------- operator

    private void StartOperator()
    {
        if (_op.Restarts > 0 && _rng.Chance(0.5))
        {
            var half = Ms(_policy.ClockSkewMargin) / 2;
            _op.ClockOffsetMs = _rng.Range(-half, half); // leader change: the other replica, another clock
        }

        _op.Up = true;
        _op.Incarnation++;
        _op.StartedAt = Local(_op.ClockOffsetMs);
        _op.Trackers = [new HealthTracker(_policy), new HealthTracker(_policy)];
        _watchedLease = _lease; // a new leader lists before it watches
        _op.Device[0] = _op.Device[1] = (DeviceReachability.Unknown, null);
        _op.WriteInFlight = _op.EvalScheduled = false;
        Log($"operator leader started (incarnation {_op.Incarnation})");
        var incarnation = _op.Incarnation;
        _q.After(0, () => ProbeRound(incarnation));
        RequestEval();
    }

    private void ProbeRound(int incarnation)
    {
        if (!_op.Up || _op.Incarnation != incarnation)
        {
            return;
        }

        _q.After(Ms(_policy.ProbePeriod), () => ProbeRound(incarnation));
        foreach (var node in _nodes)
        {
            var sentAt = Local(_op.ClockOffsetMs);
            var tracker = _op.Trackers[node.Index];
            tracker.RecordSent(sentAt);
            _q.After(Ms(_policy.ProbeTimeout), () =>
            {
                if (_op.Incarnation == incarnation)
                {
                    RequestEval();
                }
            });
            if (node.OperatorCut > 0 || !node.Up)
            {
                continue; // no answer: the probe times out
            }

            var healthy = ProbeHealthy(node);
            var device = node.Running ? (DeviceReachableFrom(node) ? DeviceReachability.Reachable : DeviceReachability.Unreachable) : DeviceReachability.Unknown;
            _q.After(node.Running ? _rng.Range(1, 15) : 2, () =>
            {
                if (_op.Incarnation != incarnation || node.OperatorCut > 0)
                {
                    return;
                }

                var now = Local(_op.ClockOffsetMs);
                tracker.RecordResult(sentAt, healthy, now);
                if (_op.Device[node.Index].Value != device)
                {
                    _op.Device[node.Index] = (device, now);
                }

                RequestEval();
            });
        }
    }

    private void RequestEval()
    {
        if (!_op.Up || _op.EvalScheduled)
        {
            return;
        }

        _op.EvalScheduled = true;
        var incarnation = _op.Incarnation;
        _q.After(0, () =>
        {
            if (_op.Incarnation == incarnation)
            {
                _op.EvalScheduled = false;
                Evaluate();
            }
        });
    }

    private PairObservation Observe(DateTimeOffset now)
    {
        SideObservation Side(SimNode node)
        {
            var i = node.Index;
            var ready = NodeReady(i);
            var podExists = _policy.StandbyMode == StandbyMode.Hot || _roles[i] != NodeRole.Stopped;
            return new SideObservation(
                new NodeObservation(node.Name, true, ready, node.Cordons > 0,
                    ready ? null : Epoch0.AddMilliseconds(_heartbeatMs[i] + NodeMonitorGraceMs), _nodeLeaseRenew[i]),
                new PodObservation(podExists, podExists, _op.Trackers[i].Evaluate(now), Role: _roles[i]),
                _op.Device[i].Value, _op.Device[i].Since);
        }

        return new PairObservation(Side(_nodes[0]), Side(_nodes[1]), _watchedLease.ToObservation(), _status.ActiveNode, _status.Epoch,
            _op.StartedAt, _status.State, _status.LastTransition, _status.FailoverCount, _request);
    }

    private void Evaluate()
    {
        if (!_op.Up || _op.WriteInFlight)
        {
            return; // a write in flight re-evaluates when it completes
        }

        var now = Local(_op.ClockOffsetMs);
        var observedLease = _watchedLease;
        var decision = FailoverEngine.Decide(Observe(now), _policy, now);
        _op.Last = decision;
        _op.LastDecisionAt = Now;
        var incarnation = _op.Incarnation;
        foreach (var t in new[] { decision.NextEvaluationAt, _op.Trackers[0].NextDeadline, _op.Trackers[1].NextDeadline })
        {
            if (t is { } at)
            {
                _q.At(at.ToUnixTimeMilliseconds() - Epoch0.ToUnixTimeMilliseconds() - _op.ClockOffsetMs, () =>
                {
                    if (_op.Incarnation == incarnation)
                    {
                        RequestEval();
                    }
                });
            }
        }

        var newStatus = new SimStatus(decision.ActiveNode, decision.Epoch, decision.FailoverCount,
            decision.Transition ?? _status.LastTransition, decision.State, decision.Switchover ?? _status.Switchover);
        NodeRole[] roles = [decision.Roles[_nodes[0].Name], decision.Roles[_nodes[1].Name]];
        if (newStatus != _status || roles[0] != _roles[0] || roles[1] != _roles[1])
        {
            // Status (and the Deployments' roles) first, so a new leader knows what was decided; the lease next round.
            if (_trace is not null)
            {
                Log($"decision: active {decision.ActiveNode} roles {roles[0]}/{roles[1]} phase {decision.Phase} "
                    + $"{string.Join(",", decision.Conditions.Where(c => c.Status == ConditionValue.True).Select(c => c.Type + ":" + c.Reason))} "
                    + $"state {decision.State} {(decision.Transition is { } tr ? "transition " + tr.Kind : "")}");
            }

            _op.WriteInFlight = true;
            Call(2, () =>
            {
                var committed = newStatus.ActiveNode != _status.ActiveNode || newStatus.Epoch != _status.Epoch;
                _status = newStatus;
                _roles[0] = roles[0];
                _roles[1] = roles[1];
                if (committed && decision.Transition is { } t)
                {
                    OnSwitchCommitted(t);
                }

                return (object)newStatus;
            }, r => AfterWrite(r is not null), () => _op.Up && _op.Incarnation == incarnation);
            return;
        }

        var action = decision.Lease;
        if (_variant == SimVariant.FencingOff && action.Kind != LeaseActionKind.Keep && decision.ActiveNode is { } target)
        {
            action = new LeaseAction(LeaseActionKind.Grant, target, now); // broken: no revoke, no waiting for expiry
        }

        if (action.Kind == LeaseActionKind.Keep || !action.IsDue(now))
        {
            return;
        }

        _op.WriteInFlight = true;
        Func<SimLease, SimLease> change = action.Kind == LeaseActionKind.Revoke
            ? l => l with { Holder = null, ReleasedBy = null }
            : l => l with { Holder = action.Node, RenewTime = now, Duration = _policy.LeaseDuration, Transitions = l.Transitions + 1, ReleasedBy = null };
        Log($"operator {action.Kind} {action.Node}");
        Call(2, () => CompareAndSwap(observedLease.Rv, change), r => AfterWrite(r is { Ok: true }), () => _op.Up && _op.Incarnation == incarnation);
    }

    private void AfterWrite(bool ok)
    {
        _op.WriteInFlight = false;
        if (ok)
        {
            RequestEval();
        }
        else
        {
            var incarnation = _op.Incarnation;
            _q.After(100, () =>
            {
                if (_op.Incarnation == incarnation)
                {
                    RequestEval();
                }
            });
        }
    }
}
