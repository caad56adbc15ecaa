using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Api.Validation;
using EdgeHa.Controller;
using EdgeHa.Controller.Events;
using EdgeHa.Controller.Informers;
using EdgeHa.Controller.Reconcile;
using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;
using EdgeHa.Operator.Probes;
using Microsoft.Extensions.Logging.Abstractions;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// Reconciles one RedundantPair, level-based: it reads everything from the informer caches, lets the pure
/// <see cref="F.FailoverEngine"/> decide, and applies the decision (the collectors' <see cref="CollectorAccess"/>,
/// Deployments, the pair Lease as GRANTOR of the
/// fencing protocol, pod role labels, the VIP Service, the simulator, status, Events), writing only what changed.
/// </summary>
public sealed class RedundantPairReconciler : IReconciler
{
    /// <summary>The annotation recording which switchover request (spec field) was already acted on.</summary>
    public const string HandledSwitchoverAnnotation = RedundantPair.SwitchoverHandledAnnotation;

    private readonly IKubernetesClient _client;
    private readonly OperatorCaches _caches;
    private readonly ProbeScheduler _probes;
    private readonly ObservedClock _clock;
    private readonly EventRecorder _events;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ReconcilerOptions _options;
    private readonly ILogger _logger;
    private readonly Func<DateTimeOffset> _leaderSince;
    private readonly EndToEndChecker? _endToEnd;
    private readonly RenewalWatch? _renewals;
    private readonly CollectorAccess _collectorAccess;
    private readonly ConcurrentDictionary<string, F.FailoverState> _engineState = new(StringComparer.Ordinal);

    // Read-your-writes: the informer may not have delivered our own last write yet when the next reconcile starts.
    private readonly ConcurrentDictionary<string, RedundantPair> _writtenPairs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lease> _writtenLeases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _leaseStale = new(StringComparer.Ordinal);

    // status.lastTransition.time has whole seconds (metav1.Time); the switch is measured from the precise decision time.
    private readonly ConcurrentDictionary<string, (string To, DateTimeOffset At)> _decidedAt = new(StringComparer.Ordinal);

    // A promotion whose status write has not succeeded yet (the grant may have): carried until status records it.
    private readonly ConcurrentDictionary<string, (F.TransitionRecord Transition, long FailoverCount)> _unrecorded = new(StringComparer.Ordinal);

    public RedundantPairReconciler(
        IKubernetesClient client,
        OperatorCaches caches,
        ProbeScheduler probes,
        ObservedClock clock,
        EventRecorder events,
        OperatorMetrics metrics,
        Func<DateTimeOffset> leaderSince,
        ReconcilerOptions? options = null,
        TimeProvider? time = null,
        ILogger? logger = null,
        EndToEndChecker? endToEnd = null,
        RenewalWatch? renewals = null)
    {
        _endToEnd = endToEnd;
        _renewals = renewals;
        _client = client;
        _caches = caches;
        _probes = probes;
        _clock = clock;
        _events = events;
        _metrics = metrics;
        _leaderSince = leaderSince;
        _options = options ?? new ReconcilerOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _collectorAccess = new CollectorAccess(client, caches, events, _logger);
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = ObjectKey.Split(key);
        var cached = _caches.Pairs.Store.Get(key);
        if (cached is null)
        {
            Forget(key, ns ?? "", name);
            return ReconcileResult.Done;
        }

        var pair = Clone(Fresher(_writtenPairs, key, cached));
        if (Finalizers.IsBeingDeleted(pair.Metadata))
        {
            await FinalizeAsync(key, pair, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (!Finalizers.Has(pair.Metadata, PairLabels.Finalizer))
        {
            Finalizers.Add(pair.Metadata, PairLabels.Finalizer);
            pair = Remember(_writtenPairs, key, await _client.ReplaceAsync(OperatorCaches.PairType, pair, cancellationToken).ConfigureAwait(false));
        }

        var now = _time.GetUtcNow();
        pair.Spec = RedundantPairDefaults.Apply(pair.Spec ?? new RedundantPairSpec());
        var errors = RedundantPairValidator.Validate(pair);
        if (errors.Count > 0)
        {
            await InvalidAsync(key, pair, errors, now, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var started = _time.GetTimestamp();
        var context = new PairContext(key, pair, PolicyMapper.Map(pair.Spec), PolicyMapper.Terms(pair.Spec), now);
        await EnsureLeaseAsync(context, cancellationToken).ConfigureAwait(false);
        now = context.Now = _time.GetUtcNow(); // the decision's time: everything it looks at was read just now
        var observation = Observe(context);
        var decision = F.FailoverEngine.Decide(observation, context.Policy, now);
        if (decision.Transition is { } promoted)
        {
            // Remembered before anything is written: if the grant goes through but a later write fails, the retry
            // (which may then only adopt the new holder) still records this promotion in status.
            _unrecorded[key] = (promoted, decision.FailoverCount);
        }
        var decided = _time.GetElapsedTime(started);
        if (observation.Lease.Holder == decision.ActiveNode && observation.Lease.SafeAfter(context.Policy.ClockSkewMargin) is { } renewalsStaleAt)
        {
            // Renewals only move the observation clock (they queue nothing): look again when they would be stale. The
            // watch looks at the clock then and queues the pair only if no renewal came meanwhile.
            if (_renewals is { } renewals)
            {
                renewals.Watch(key, renewalsStaleAt - observation.Lease.RenewTime!.Value);
            }
            else
            {
                context.Wake(renewalsStaleAt);
            }
        }
        else
        {
            _renewals?.Stop(key);
        }

        // The switch's critical path first (the Lease, then the labels the VIP selects on), the rest after.
        await ApplyLeaseAsync(context, decision, cancellationToken).ConfigureAwait(false);
        await ApplyPodLabelsAsync(context, decision, cancellationToken).ConfigureAwait(false);
        var fenced = _time.GetElapsedTime(started);
        await _collectorAccess.ApplyAsync(pair, cancellationToken).ConfigureAwait(false);
        await ApplyDeploymentsAsync(context, decision, observation, cancellationToken).ConfigureAwait(false);
        var vipRouted = await ApplyVipAsync(context, cancellationToken).ConfigureAwait(false);
        await ApplySimulatorAsync(context, cancellationToken).ConfigureAwait(false);
        await ApplyStatusAsync(context, decision, vipRouted, cancellationToken).ConfigureAwait(false);
        await ClearSwitchoverRequestAsync(context, decision, cancellationToken).ConfigureAwait(false);

        // Only a decision that was applied in full moves the engine's memory on: after a failed write the retry decides
        // again from the same state (a switchover request is then still pending, not marked as handled).
        _engineState[key] = decision.State;
        Log.Reconciled(_logger, key, decision.Phase.ToString(), decision.ActiveNode, decision.Lease.Kind.ToString(),
            decided.TotalMilliseconds, fenced.TotalMilliseconds, _time.GetElapsedTime(started).TotalMilliseconds);

        var next = _options.ResyncPeriod;
        if (decision.NextEvaluationAt is { } at && at - now < next)
        {
            next = at - now;
        }

        if (context.WakeAt is { } wake && wake - now < next)
        {
            next = wake - now;
        }

        if (decision.ActiveNode is not null && !IsConfirmed(context, decision.ActiveNode) && decision.Phase != F.PairPhase.Paused)
        {
            // Waiting for a release or a confirming renewal: look again at half the renew interval.
            var poll = context.Policy.RenewInterval / 2;
            next = poll < next ? poll : next;
        }

        return ReconcileResult.After(next > TimeSpan.FromMilliseconds(1) ? next : TimeSpan.FromMilliseconds(1));
    }

    // ---------------------------------------------------------------- observation

    private F.PairObservation Observe(PairContext c)
    {
        var spec = c.Pair.Spec;
        var lease = c.Lease!;
        var holderPod = lease.Spec?.HolderIdentity;
        var status = c.Pair.Status;

        F.SideObservation Side(string node)
        {
            var pods = PodsOn(c, node);
            var current = CurrentPod(pods, holderPod);
            c.CurrentPods[node] = current;
            var pod = current is null && FailedPodOn(c, node) is { } failed
                ? F.PodObservation.Missing with { StartFailure = failed }
                : ObservePod(current, c.Now);
            return new F.SideObservation(ObserveNode(node, c.Now), pod);
        }

        var primary = Side(spec.PrimaryNode);
        var standby = Side(spec.StandbyNode);
        SyncProbes(c);
        primary = primary with { Pod = primary.Pod with { Health = Health(c, spec.PrimaryNode) } };
        standby = standby with { Pod = standby.Pod with { Health = Health(c, spec.StandbyNode) } };

        var observedAt = _clock.Observe("lease/" + c.Key, PairLeaseGrantor.Stamp(lease), c.Now);
        var leaseObservation = PairLeaseGrantor.Read(
            lease,
            c.Terms,
            status?.Epoch ?? 0,
            observedAt,
            podName => _caches.Pods.Store.Get(c.Namespace, podName),
            c.CurrentPods);
        leaseObservation = leaseObservation with { Duration = _clock.Longest("lease/" + c.Key, leaseObservation.Duration, c.Terms.ClockSkewMargin) };

        // A pair this leader has not decided yet (a new leader) goes on from the memory the last one left in status.
        var state = _engineState.GetOrAdd(c.Key, _ => EngineMemory.FromStatus(status?.Memory));
        return new F.PairObservation(
            primary,
            standby,
            leaseObservation,
            status?.ActiveNode,
            // The Lease carries the epoch too: if a status write was lost after a grant, the epoch still never goes back.
            Math.Max(status?.Epoch ?? 0, PairLeaseGrantor.Epoch(lease)),
            _leaderSince(),
            state,
            ToRecord(status?.LastTransition),
            status?.FailoverCount ?? 0,
            SwitchoverRequest(c) ?? RolloutSwitchover(c, status?.ActiveNode, state, primary, standby),
            // The join wait runs from the pair's creation, or from this leader's start for a pair it finds with nobody active.
            Later(c.Pair.Metadata.CreationTimestamp, _leaderSince()));
    }

    private F.NodeObservation ObserveNode(string name, DateTimeOffset now)
    {
        var node = _caches.Nodes.Store.Get(null, name);
        if (node is null)
        {
            return new F.NodeObservation(name, Exists: false, Ready: false);
        }

        var ready = node.IsReady;
        // Failure onset and lease age by the operator's clock (never by timestamps other machines wrote).
        var readySince = _clock.Observe("node-ready/" + name, ready ? "True" : "False", now);
        DateTimeOffset? leaseRenew = null;
        if (_caches.NodeLeases.Store.Get(PairLabels.NodeLeaseNamespace, name) is { } nodeLease)
        {
            leaseRenew = _clock.Observe("node-lease/" + name, nodeLease.Spec?.RenewTime?.ToString("O", CultureInfo.InvariantCulture) ?? "", now);
        }

        return new F.NodeObservation(name, true, ready, node.Spec?.Unschedulable == true, ready ? null : readySince, leaseRenew);
    }

    private F.PodObservation ObservePod(Pod? pod, DateTimeOffset now)
    {
        if (pod is null)
        {
            return F.PodObservation.Missing;
        }

        var ready = pod.IsReady;
        var readySince = _clock.Observe("pod-ready/" + pod.Metadata.Uid, ready ? "True" : "False", now);
        F.NodeRole? role = pod.Metadata.Labels?.TryGetValue(PairLabels.Role, out var r) == true
            ? r == PairLabels.RoleActive ? F.NodeRole.Active : F.NodeRole.Standby
            : null;
        long? epoch = pod.Metadata.Labels?.TryGetValue(PairLabels.Epoch, out var e) == true && long.TryParse(e, CultureInfo.InvariantCulture, out var ep) ? ep : null;
        return new F.PodObservation(true, ready, F.HealthSnapshot.Unknown, readySince, role, epoch, StartFailure(pod));
    }

    private F.HealthSnapshot Health(PairContext c, string node) =>
        c.CurrentPods.TryGetValue(node, out var pod) && pod?.Metadata.Uid is { } uid ? _probes.Snapshot(c.Key, node, uid) : F.HealthSnapshot.Unknown;

    private void SyncProbes(PairContext c)
    {
        var check = c.Pair.Spec.HealthCheck;
        var wanted = new Dictionary<string, (string, ProbeSettings)>(StringComparer.Ordinal);
        foreach (var (node, pod) in c.CurrentPods)
        {
            if (pod?.Status?.PodIP is not { Length: > 0 } ip || pod.Metadata.Uid is not { } uid || pod.Status.Phase is not ("Running" or null))
            {
                continue;
            }

            var target = check switch
            {
                { Tcp: { } tcp } => new ProbeTarget(ProbeKind.Tcp, ip, tcp.Port),
                { Modbus: { } m } => new ProbeTarget(ProbeKind.Modbus, ip, m.Port, UnitId: (byte)m.UnitId, InputRegister: m.Table == ModbusTable.Input, Address: (ushort)m.Address),
                _ => new ProbeTarget(ProbeKind.Http, ip, check.Http!.Port, check.Http.Path, check.Http.Scheme == HttpScheme.HTTPS),
            };
            wanted[node] = (uid, new ProbeSettings(target, c.Policy.ProbePeriod, c.Policy.ProbeTimeout, c.Policy.FailureThreshold, c.Policy.SuccessThreshold));
        }

        _probes.Sync(c.Key, wanted);
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    /// <summary>Why the newest finished pod of the pair on a node failed, when the node has no live pod.</summary>
    private string? FailedPodOn(PairContext c, string node) =>
        _caches.Pods.Store.ByIndex(OperatorCaches.PairIndex, c.Key)
            .Where(p => p.Metadata.Labels?.TryGetValue(PairLabels.Node, out var n) == true && n == node && p.Status?.Phase == "Failed")
            .OrderByDescending(p => p.Metadata.CreationTimestamp)
            .Select(p => "Failed" + (string.IsNullOrEmpty(p.Status!.Reason) ? "" : $" ({p.Status.Reason})"))
            .FirstOrDefault();

    /// <summary>
    /// Why a pod definitely cannot start (it is not merely slow): unschedulable, or a container waiting in a back-off
    /// or with a configuration error, as kubelet reports them.
    /// </summary>
    internal static string? StartFailure(Pod pod)
    {
        if (pod.Status?.Conditions?.FirstOrDefault(k => k.Type == "PodScheduled") is { Status: "False", Reason: "Unschedulable" } unschedulable)
        {
            return "Unschedulable" + (string.IsNullOrEmpty(unschedulable.Message) ? "" : $": {unschedulable.Message}");
        }

        foreach (var container in pod.Status?.ContainerStatuses ?? [])
        {
            if (container.State is { ValueKind: System.Text.Json.JsonValueKind.Object } state
                && state.TryGetProperty("waiting", out var waiting) && waiting.ValueKind == System.Text.Json.JsonValueKind.Object
                && waiting.TryGetProperty("reason", out var reason) && reason.GetString() is { } why && DefiniteWaitingReasons.Contains(why))
            {
                return $"{why} ({container.Name})";
            }
        }

        return null;
    }

    private static readonly HashSet<string> DefiniteWaitingReasons = new(StringComparer.Ordinal)
    {
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError",
    };

    /// <summary>The live pods of the pair on a node (not terminating, not finished).</summary>
    private List<Pod> PodsOn(PairContext c, string node) =>
        _caches.Pods.Store.ByIndex(OperatorCaches.PairIndex, c.Key)
            .Where(p => p.Metadata.Labels?.TryGetValue(PairLabels.Node, out var n) == true && n == node
                && p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Failed" or "Succeeded"))
            .ToList();

    /// <summary>The pod that speaks for a node: the lease holder if it runs there, else the newest Ready pod, else the newest.</summary>
    private static Pod? CurrentPod(List<Pod> pods, string? holderPod) =>
        pods.FirstOrDefault(p => holderPod is not null && p.Metadata.Name == holderPod)
        ?? pods.Where(p => p.IsReady).OrderByDescending(p => p.Metadata.CreationTimestamp).FirstOrDefault()
        ?? pods.OrderByDescending(p => p.Metadata.CreationTimestamp).FirstOrDefault();

    /// <summary>A planned switchover to an upgraded, healthy standby while the active still runs the old template.</summary>
    private F.SwitchoverRequest? RolloutSwitchover(PairContext c, string? active, F.FailoverState state, F.SideObservation primary, F.SideObservation standby)
    {
        var plan = PlanRollout(c, active, state.ActiveConfirmedHealthy, primary, standby);
        if (plan.SwitchTo is not { } target)
        {
            return null;
        }

        // The acknowledgement time in the id lets a refused request (the standby turned ineligible meanwhile) be made again.
        var ackTicks = c.Pair.Status?.Switchover?.AcknowledgedAt?.UtcTicks ?? 0;
        return new F.SwitchoverRequest($"rollout/{target}/{plan.Status.TemplateHash}@{ackTicks}", target);
    }

    private RolloutPlan PlanRollout(PairContext c, string? active, bool activeConfirmed, F.SideObservation primary, F.SideObservation standby)
    {
        var holder = c.Lease?.Spec?.HolderIdentity;
        var holderNode = c.CurrentPods.FirstOrDefault(p => holder is not null && p.Value?.Metadata.Name == holder).Key;
        var primarySide = RolloutSideOf(c, primary);
        var standbySide = RolloutSideOf(c, standby);
        var waiting = active == primarySide.Node ? standbySide : primarySide;
        // The progress deadline counts from when this leader first saw the standby given the template it waits on.
        var since = _clock.Observe("rollout/" + c.Key, waiting.Node + "/" + (waiting.DeploymentHash ?? ""), c.Now);
        return CollectorRollout.Plan(active, holderNode, activeConfirmed, primarySide, standbySide, c.Policy.StandbyMode == F.StandbyMode.Hot,
            c.Now - since, TimeSpan.FromSeconds(c.Pair.Spec.Failover.ProgressDeadlineSeconds), PairObjects.TemplateVersion(c.Pair));
    }

    private RolloutSide RolloutSideOf(PairContext c, F.SideObservation side)
    {
        var deployment = _caches.Deployments.Store.Get(c.Namespace, PairLabels.DeploymentName(c.Name, side.Name));
        return new RolloutSide(
            side.Name,
            PairObjects.TemplateHashOf(PairObjects.CollectorTemplate(c.Pair, side.Name))!,
            // A Deployment written before templates carried their hash counts as outdated: rolled, never restarted in place.
            deployment is null ? null : PairObjects.TemplateHashOf(deployment.Spec?.Template) ?? "",
            PairObjects.TemplateHashOf(c.CurrentPods.GetValueOrDefault(side.Name)),
            F.FailoverEngine.Ineligibility(side, c.Policy, c.Now));
    }

    private F.SwitchoverRequest? SwitchoverRequest(PairContext c)
    {
        var pair = c.Pair;
        var ackTicks = pair.Status?.Switchover?.AcknowledgedAt?.UtcTicks ?? 0;
        var force = pair.Metadata.Annotations?.TryGetValue(RedundantPair.SwitchoverForceAnnotation, out var f) == true
            && string.Equals(f?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        c.ForceRequest = force;
        if (pair.Metadata.Annotations?.TryGetValue(RedundantPair.SwitchoverAnnotation, out var target) == true && !string.IsNullOrWhiteSpace(target))
        {
            c.AnnotationRequest = true;
            return new F.SwitchoverRequest($"annotation/{target.Trim()}@{ackTicks}", target.Trim(), force);
        }

        var handled = pair.Metadata.Annotations?.TryGetValue(HandledSwitchoverAnnotation, out var h) == true ? h : null;
        if (pair.Spec.Failover.SwitchoverTo is { Length: > 0 } to && handled != "spec/" + to)
        {
            // The handled note keeps a standing spec request from acting twice; the acknowledgement time in the id
            // lets the same request count again once the note is removed (kubectl edgeha switchover does that).
            c.SpecRequest = to;
            return new F.SwitchoverRequest($"spec/{to}@{ackTicks}", to, force);
        }

        return null;
    }

    private static F.TransitionRecord? ToRecord(TransitionStatus? t)
    {
        if (t?.Time is not { } at || string.IsNullOrEmpty(t.To))
        {
            return null;
        }

        var kind = t.Reason switch
        {
            "InitialPromotion" => F.TransitionKind.Initial,
            "Failback" => F.TransitionKind.Failback,
            "SwitchoverRequested" or "ActiveNodeCordoned" => F.TransitionKind.Switchover,
            _ => F.TransitionKind.Failover,
        };
        return new F.TransitionRecord(at, kind, t.Reason ?? "Unknown", t.From, t.To, TimeSpan.FromMilliseconds(t.DetectionMilliseconds ?? 0));
    }

    // ---------------------------------------------------------------- apply

    private async Task EnsureLeaseAsync(PairContext c, CancellationToken cancellationToken)
    {
        var name = PairLabels.LeaseName(c.Name);
        var cachedLease = _caches.Leases.Store.Get(c.Namespace, name);
        var lease = cachedLease is null ? null : Fresher(_writtenLeases, c.Key, cachedLease);
        if (lease is not null && (SwitchInFlight(c.Pair.Status) || _leaseStale.TryRemove(c.Key, out _) || LooksExpired(c, lease)))
        {
            // While a switch is in flight (or after a conflict showed our copy stale, or when the cached holder looks
            // expired) the Lease is read from the API: a late or lost watch event must neither stall a switch nor
            // make a live holder look dead.
            lease = Fresher(_writtenLeases, c.Key, await _client.GetAsync<Lease>(name, c.Namespace, cancellationToken).ConfigureAwait(false));
            _clock.Note("lease/" + c.Key, PairLeaseGrantor.Stamp(lease));
        }

        if (lease is null)
        {
            try
            {
                lease = Remember(_writtenLeases, c.Key, await _client.CreateAsync(PairObjects.PairLease(c.Pair, c.Terms, _clock.Remembered("lease/" + c.Key)), cancellationToken).ConfigureAwait(false));
                Log.Wrote(_logger, c.Key, "created", "Lease", name);
            }
            catch (AlreadyExistsException)
            {
                lease = await _client.GetAsync<Lease>(name, c.Namespace, cancellationToken).ConfigureAwait(false);
            }
        }

        c.Lease = lease;
    }

    private async Task ApplyDeploymentsAsync(PairContext c, F.Decision decision, F.PairObservation observation, CancellationToken cancellationToken)
    {
        // The former active is upgraded only once the new holder confirmed the Lease, never in the middle of the handover.
        var plan = PlanRollout(c, decision.ActiveNode, decision.State.ActiveConfirmedHealthy && IsConfirmed(c, decision.ActiveNode), observation.Primary, observation.Standby);
        c.Rollout = plan;
        foreach (var node in new[] { c.Pair.Spec.PrimaryNode, c.Pair.Spec.StandbyNode })
        {
            var role = decision.Roles.TryGetValue(node, out var r) ? r : F.NodeRole.Stopped;
            var held = plan.Held.Contains(node) ? _caches.Deployments.Store.Get(c.Namespace, PairLabels.DeploymentName(c.Name, node))?.Spec?.Template : null;
            var desired = PairObjects.Deployment(c.Pair, node, role == F.NodeRole.Stopped ? 0 : 1, held);
            await EnsureDeploymentAsync(c, desired, cancellationToken).ConfigureAwait(false);
        }

        // Deployments of nodes the pair no longer names (spec edited).
        var keep = new HashSet<string>(StringComparer.Ordinal)
        {
            PairLabels.DeploymentName(c.Name, c.Pair.Spec.PrimaryNode),
            PairLabels.DeploymentName(c.Name, c.Pair.Spec.StandbyNode),
            PairLabels.SimulatorName(c.Name),
        };
        foreach (var stale in _caches.Deployments.Store.ByIndex(OperatorCaches.PairIndex, c.Key).Where(d => !keep.Contains(d.Metadata.Name!)))
        {
            await _client.DeleteIfExistsAsync<Deployment>(stale.Metadata.Name!, c.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            Log.Wrote(_logger, c.Key, "deleted", "Deployment", stale.Metadata.Name!);
        }
    }

    private async Task EnsureDeploymentAsync(PairContext c, Deployment desired, CancellationToken cancellationToken)
    {
        var existing = _caches.Deployments.Store.Get(c.Namespace, desired.Metadata.Name!);
        if (existing is null)
        {
            try
            {
                await _client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
                Log.Wrote(_logger, c.Key, "created", "Deployment", desired.Metadata.Name!);
            }
            catch (AlreadyExistsException)
            {
                // The cache is behind; the watch event will bring it and requeue.
            }

            return;
        }

        if (PairObjects.HashOf(existing.Metadata) == PairObjects.HashOf(desired.Metadata) && existing.Spec?.Replicas == desired.Spec!.Replicas)
        {
            return;
        }

        var update = Clone(existing);
        update.Metadata.Labels = desired.Metadata.Labels;
        update.Metadata.Annotations = Merge(update.Metadata.Annotations, desired.Metadata.Annotations);
        update.Metadata.OwnerReferences = desired.Metadata.OwnerReferences;
        update.Spec ??= new DeploymentSpec();
        update.Spec.Replicas = desired.Spec!.Replicas;
        update.Spec.Selector = desired.Spec.Selector;
        update.Spec.Template = desired.Spec.Template;
        update.Spec.Strategy = desired.Spec.Strategy;
        await _client.ReplaceAsync(update, cancellationToken).ConfigureAwait(false);
        Log.Wrote(_logger, c.Key, $"updated (replicas {desired.Spec.Replicas})", "Deployment", desired.Metadata.Name!);
    }

    private async Task ApplyLeaseAsync(PairContext c, F.Decision decision, CancellationToken cancellationToken)
    {
        var lease = c.Lease!;
        var action = decision.Lease;
        switch (action.Kind)
        {
            case F.LeaseActionKind.Revoke:
                {
                    // Never clear the holder ourselves (only the holder can release): ask for a handover.
                    // A live holder stops acting, records its last sequence and releases; a dead one runs out instead.
                    var target = decision.ActiveNode is { } to && c.CurrentPods.TryGetValue(to, out var pod) && pod is not null ? pod.Metadata.Name! : decision.ActiveNode ?? "";
                    if (lease.Metadata.Annotations?.TryGetValue(FencingAnnotations.HandoverRequested, out var asked) == true && asked == target)
                    {
                        break;
                    }

                    // A merge patch, not a compare-and-swap: a live holder renews all the time, and the request is safe
                    // against its renewals (its own compare-and-swap fails once the annotation is there, so it re-reads).
                    var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FencingAnnotations.HandoverRequested] = target } } };
                    c.Lease = await PatchLeaseAsync(c, patch, cancellationToken).ConfigureAwait(false);
                    Log.HandoverRequested(_logger, c.Key, lease.Spec?.HolderIdentity ?? "", target);
                    Emit(_events.NormalAsync(c.Pair, "HandoverRequested", "RequestHandover", $"asked {lease.Spec?.HolderIdentity} to release the lease for {target}", cancellationToken));
                    break;
                }

            case F.LeaseActionKind.Grant:
                {
                    if (!action.IsDue(c.Now))
                    {
                        c.Wake(action.NotBefore!.Value);
                        break;
                    }

                    var node = action.Node!;
                    var pod = c.CurrentPods.TryGetValue(node, out var p) ? p : null;
                    if (pod is null || !pod.IsReady || string.IsNullOrEmpty(pod.Status?.PodIP))
                    {
                        // Cold standby: scaled up above; the grant waits until its pod is Ready (pod events requeue).
                        break;
                    }

                    var update = PairLeaseGrantor.Grant(Clone(lease), pod.Metadata.Name!, node, decision.Epoch, c.Terms, c.Now);
                    c.Lease = await ReplaceLeaseAsync(c, update, cancellationToken).ConfigureAwait(false);
                    c.Granted = true;
                    var epoch = PairLeaseGrantor.Epoch(update);
                    c.GrantedEpoch = epoch;
                    Log.Granted(_logger, c.Key, pod.Metadata.Name!, node, epoch);
                    Emit(_events.NormalAsync(c.Pair, "LeaseGranted", "GrantLease", $"granted the lease to {pod.Metadata.Name} on {node} at epoch {epoch}", cancellationToken));
                    break;
                }

            default:
                {
                    var terms = LeaseTerms.FromLease(lease, c.Terms);
                    // A handover asked for earlier is withdrawn when the holder is the desired active again.
                    var staleHandover = IsHolderOf(c, decision.ActiveNode) && lease.Metadata.Annotations?.ContainsKey(FencingAnnotations.HandoverRequested) == true;
                    if (terms != c.Terms || staleHandover)
                    {
                        // Merge patch, for the same reason as the handover request: terms and a withdrawn request are
                        // safe against concurrent renewals.
                        var termsOnly = new Lease();
                        c.Terms.WriteTo(termsOnly);
                        var annotations = new JsonObject();
                        foreach (var (k, v) in termsOnly.Metadata.Annotations!)
                        {
                            annotations[k] = v;
                        }

                        if (staleHandover)
                        {
                            annotations[FencingAnnotations.HandoverRequested] = null;
                        }

                        var patch = new JsonObject
                        {
                            ["metadata"] = new JsonObject { ["annotations"] = annotations },
                            ["spec"] = new JsonObject { ["leaseDurationSeconds"] = termsOnly.Spec!.LeaseDurationSeconds },
                        };
                        c.Lease = await PatchLeaseAsync(c, patch, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                }
        }
    }

    private async Task<Lease> PatchLeaseAsync(PairContext c, JsonObject patch, CancellationToken cancellationToken) =>
        Remember(_writtenLeases, c.Key, await _client.PatchAsync<Lease>(PairLabels.LeaseName(c.Name), KubePatch.Merge(patch), c.Namespace, cancellationToken).ConfigureAwait(false));

    /// <summary>Writes the Lease (compare-and-swap). On a conflict our copy is stale: the next attempt reads it from the API.</summary>
    private async Task<Lease> ReplaceLeaseAsync(PairContext c, Lease update, CancellationToken cancellationToken)
    {
        try
        {
            return Remember(_writtenLeases, c.Key, await _client.ReplaceAsync(update, cancellationToken).ConfigureAwait(false));
        }
        catch (ConflictException)
        {
            _writtenLeases.TryRemove(c.Key, out _);
            _leaseStale[c.Key] = true;
            throw;
        }
    }

    /// <summary>The cached Lease is held, and no renewal of it was seen for a lease duration plus margin.</summary>
    private bool LooksExpired(PairContext c, Lease lease) =>
        !string.IsNullOrEmpty(lease.Spec?.HolderIdentity)
        && _clock.Age("lease/" + c.Key) is { } age && age >= LeaseTerms.FromLease(lease, c.Terms).Duration + c.Terms.ClockSkewMargin;

    /// <summary>A promotion was decided and its switch has not been confirmed yet.</summary>
    private static bool SwitchInFlight(RedundantPairStatus? status) =>
        status is not null && (status.Phase == PairPhase.FailingOver || status.LastTransition is { SwitchMilliseconds: null });

    private static bool IsHolderOf(PairContext c, string? node) =>
        node is not null && c.CurrentPods.TryGetValue(node, out var pod) && pod is not null
        && c.Lease?.Spec?.HolderIdentity == pod.Metadata.Name;

    /// <summary>Confirmed: the holder of the granted lease renewed it once (it sets acquireTime then).</summary>
    private static bool IsConfirmed(PairContext c, string? node) =>
        IsHolderOf(c, node) && c.Lease?.Spec?.AcquireTime is not null;

    private async Task ApplyPodLabelsAsync(PairContext c, F.Decision decision, CancellationToken cancellationToken)
    {
        var holder = c.Lease?.Spec?.HolderIdentity;
        foreach (var pod in _caches.Pods.Store.ByIndex(OperatorCaches.PairIndex, c.Key))
        {
            if (pod.Metadata.DeletionTimestamp is not null || pod.Metadata.Labels?.ContainsKey(PairLabels.Node) != true)
            {
                continue;
            }

            // Active only for the pod the lease was granted to on the desired node: the VIP follows the grant.
            var node = pod.Metadata.Labels[PairLabels.Node];
            var active = node == decision.ActiveNode && pod.Metadata.Name == holder;
            var role = active ? PairLabels.RoleActive : PairLabels.RoleStandby;
            var epoch = active ? decision.Epoch.ToString(CultureInfo.InvariantCulture) : null;
            var labels = pod.Metadata.Labels;
            var haveEpoch = labels.TryGetValue(PairLabels.Epoch, out var e) ? e : null;
            if (labels.TryGetValue(PairLabels.Role, out var have) && have == role && (epoch is null || haveEpoch == epoch))
            {
                continue;
            }

            var patchLabels = new JsonObject { [PairLabels.Role] = role };
            if (epoch is not null)
            {
                patchLabels[PairLabels.Epoch] = epoch;
            }

            var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = patchLabels } };
            try
            {
                await _client.PatchAsync<Pod>(pod.Metadata.Name!, KubePatch.Merge(patch), c.Namespace, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                // Gone meanwhile.
            }
        }
    }

    private async Task<bool> ApplyVipAsync(PairContext c, CancellationToken cancellationToken)
    {
        var name = PairLabels.VipServiceName(c.Name);
        var existing = _caches.Services.Store.Get(c.Namespace, name);
        if (c.Pair.Spec.Vip is null)
        {
            if (existing is not null)
            {
                await _client.DeleteIfExistsAsync<Service>(name, c.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                Log.Wrote(_logger, c.Key, "deleted", "Service", name);
            }

            return true; // nothing to route
        }

        var desired = PairObjects.VipService(c.Pair);
        if (existing is null)
        {
            try
            {
                c.VipService = await _client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
                Log.Wrote(_logger, c.Key, "created", "Service", name);
            }
            catch (AlreadyExistsException)
            {
                // Our cache is behind: read it, it is the truth.
                c.VipService = await _client.GetAsync<Service>(name, c.Namespace, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (PairObjects.HashOf(existing.Metadata) != PairObjects.HashOf(desired.Metadata))
        {
            var update = Clone(existing);
            update.Metadata.Annotations = desired.Metadata.Annotations!.Concat(
                (update.Metadata.Annotations ?? new Dictionary<string, string>()).Where(a => a.Key == PairObjects.KubeVipHost))
                .ToDictionary(a => a.Key, a => a.Value);
            update.Metadata.Labels = desired.Metadata.Labels;
            update.Metadata.OwnerReferences = desired.Metadata.OwnerReferences;
            update.Spec ??= new ServiceSpec();
            update.Spec.Type = desired.Spec!.Type;
            update.Spec.Selector = desired.Spec.Selector;
            update.Spec.Ports = desired.Spec.Ports;
            update.Spec.ExternalTrafficPolicy = desired.Spec.ExternalTrafficPolicy;
            c.VipService = await _client.ReplaceAsync(update, cancellationToken).ConfigureAwait(false);
            Log.Wrote(_logger, c.Key, "updated", "Service", name);
        }
        else
        {
            c.VipService = existing;
        }

        return true;
    }

    private async Task ApplySimulatorAsync(PairContext c, CancellationToken cancellationToken)
    {
        var name = PairLabels.SimulatorName(c.Name);
        if (c.Pair.Spec.Simulator is not { Enabled: true })
        {
            if (_caches.Deployments.Store.Get(c.Namespace, name) is not null)
            {
                await _client.DeleteIfExistsAsync<Deployment>(name, c.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            if (_caches.Services.Store.Get(c.Namespace, name) is not null)
            {
                await _client.DeleteIfExistsAsync<Service>(name, c.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await EnsureDeploymentAsync(c, PairObjects.SimulatorDeployment(c.Pair, _options.DefaultSimulatorImage), cancellationToken).ConfigureAwait(false);
        var desired = PairObjects.SimulatorService(c.Pair);
        var existing = _caches.Services.Store.Get(c.Namespace, name);
        if (existing is null)
        {
            try
            {
                await _client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
                Log.Wrote(_logger, c.Key, "created", "Service", name);
            }
            catch (AlreadyExistsException)
            {
                // The cache is behind.
            }
        }
        else if (PairObjects.HashOf(existing.Metadata) != PairObjects.HashOf(desired.Metadata))
        {
            var update = Clone(existing);
            update.Metadata.Annotations = desired.Metadata.Annotations;
            update.Spec ??= new ServiceSpec();
            update.Spec.Selector = desired.Spec!.Selector;
            update.Spec.Ports = desired.Spec.Ports;
            await _client.ReplaceAsync(update, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyStatusAsync(PairContext c, F.Decision decision, bool vipServiceReady, CancellationToken cancellationToken)
    {
        var pair = c.Pair;
        var old = pair.Status ?? new RedundantPairStatus();
        var status = Clone(old);
        var generation = pair.Metadata.Generation;
        var now = c.Now;
        status.ObservedGeneration = generation;
        status.ActiveNode = decision.ActiveNode;
        // A re-grant to the active node's restarted pod takes a new epoch too (PairLeaseGrantor.Grant).
        status.Epoch = Math.Max(decision.Epoch, c.GrantedEpoch ?? 0);
        status.FailoverCount = decision.FailoverCount;
        status.PredictedFailoverMilliseconds = (long)F.FailoverTiming.PredictWorstCase(c.Policy).Total.TotalMilliseconds;
        status.Memory = EngineMemory.ToStatus(decision.State);
        if (c.Rollout is { Status: var rollout } plan)
        {
            if (rollout.Phase != old.Rollout?.Phase || rollout.TemplateHash != old.Rollout?.TemplateHash)
            {
                if (plan.Stalled)
                {
                    Emit(_events.WarningAsync(pair, "RolloutStalled", "Upgrade", rollout.Message ?? "", cancellationToken));
                }
                else if (rollout.Phase == CollectorRollout.Complete && old.Rollout is not null)
                {
                    Emit(_events.NormalAsync(pair, "RolloutCompleted", "Upgrade", $"both sides run template {rollout.TemplateHash}", cancellationToken));
                }
                else if (rollout.Phase == CollectorRollout.Progressing && old.Rollout?.Phase != CollectorRollout.Progressing)
                {
                    Emit(_events.NormalAsync(pair, "RolloutStarted", "Upgrade", $"rolling template {rollout.TemplateHash}: {rollout.Message}", cancellationToken));
                }
            }

            status.Rollout = rollout;
        }

        var transition = decision.Transition;
        if (transition is null && _unrecorded.TryGetValue(c.Key, out var pending) && pending.Transition.To == decision.ActiveNode
            && (old.LastTransition?.To != pending.Transition.To || old.LastTransition.Time < pending.Transition.At.AddSeconds(-1)))
        {
            // The promotion was applied (granted) but its status write failed: record it now, once.
            status.LastTransition = new TransitionStatus
            {
                Time = pending.Transition.At,
                Reason = pending.Transition.Reason,
                From = pending.Transition.From,
                To = pending.Transition.To,
                DetectionMilliseconds = (long)pending.Transition.Detection.TotalMilliseconds,
            };
            status.FailoverCount = Math.Max(status.FailoverCount ?? 0, pending.FailoverCount);
        }

        if (transition is { } t)
        {
            status.LastTransition = new TransitionStatus
            {
                Time = t.At,
                Reason = t.Reason,
                From = t.From,
                To = t.To,
                DetectionMilliseconds = (long)t.Detection.TotalMilliseconds,
            };
            _decidedAt[c.Key] = (t.To, t.At);
            Log.Promoted(_logger, c.Key, t.Kind.ToString(), t.From, t.To, t.Reason, t.Detection.TotalMilliseconds);
            if (t.Kind != F.TransitionKind.Initial)
            {
                _metrics.CountFailover(c.Namespace, c.Name, t.Reason);
            }
        }

        // The switch is complete when the new holder's confirming renewal was observed and the VIP Service routes to it.
        var confirmed = IsConfirmed(c, decision.ActiveNode);
        // ApplyPodLabels labelled the holder active before this point (a failed patch throws), so the Service selects it.
        var routed = vipServiceReady && IsHolderOf(c, decision.ActiveNode);
        if (status.LastTransition is { SwitchMilliseconds: null, Time: { } decidedAt } last && last.To == decision.ActiveNode && confirmed && routed)
        {
            var took = now - (_decidedAt.TryGetValue(c.Key, out var precise) && precise.To == last.To && precise.At >= decidedAt.AddSeconds(-1) ? precise.At : decidedAt);
            last.SwitchMilliseconds = Math.Max(0, (long)took.TotalMilliseconds);
            Log.SwitchCompleted(_logger, c.Key, last.To!, last.SwitchMilliseconds.Value);
            if (last.Reason != "InitialPromotion")
            {
                _metrics.RecordSwitch(c.Namespace, c.Name, took);
            }

            var completed = last.Reason switch
            {
                "InitialPromotion" => "ActivePlaced",
                "Failback" => "FailbackCompleted",
                "SwitchoverRequested" or "ActiveNodeCordoned" => "SwitchoverCompleted",
                _ => "FailoverCompleted",
            };
            Emit(_events.NormalAsync(pair, completed, "Promote",
                $"{last.To} is active at epoch {decision.Epoch} (from {last.From ?? "none"}, {last.Reason}); detection {last.DetectionMilliseconds} ms, switch {last.SwitchMilliseconds} ms",
                cancellationToken));
        }

        // The new active's report that its promotion could not replay everything after the previous holder's last
        // sequence: those samples are lost unless the old active delivered them after its record; the user hears of it once.
        if (status.LastTransition is { UnreplayedSequences: null } reported && reported.To == decision.ActiveNode && confirmed
            && c.Lease?.Metadata.Annotations?.TryGetValue(FencingAnnotations.PromotionGap, out var gapText) == true
            && PromotionGap.Parse(gapText) is { } gap && gap.Epoch == status.Epoch)
        {
            reported.UnreplayedSequences = gap.Count;
            Emit(_events.WarningAsync(pair, "PromotionGap", "Promote",
                $"{reported.To} at epoch {gap.Epoch} had no sample for sequences {gap.FirstMissing}-{gap.LastMissing} after the last one the previous active recorded ({gap.Reason}): {gap.Count} not replayed, lost unless the previous active delivered them after its record",
                cancellationToken));
        }

        if (decision.Switchover is { } ack)
        {
            status.Switchover = new SwitchoverStatus
            {
                RequestedTo = ack.RequestedTo,
                AcknowledgedAt = ack.At,
                Result = ack.Accepted ? (ack.Result == "Started" ? "Succeeded" : ack.Result) : ack.Result,
            };
        }

        // Per-node health and restarts, with an Event when a node's health flips or its collector starts crash-looping.
        var nodes = new List<Api.NodeStatus>();
        var crashLoops = new Dictionary<string, SideCrashLoop>(StringComparer.Ordinal);
        foreach (var v in decision.Nodes)
        {
            var previous = old.Nodes?.FirstOrDefault(n => n.Name == v.Name);
            var pod = c.CurrentPods.TryGetValue(v.Name, out var p) ? p : null;
            var role = pod is null || (v.Role == F.NodeRole.Stopped) ? NodeRole.Stopped
                : v.Role == F.NodeRole.Active ? NodeRole.Active : NodeRole.Standby;
            var crash = SideCrashLoop.Of(pod, c.Lease);
            var node = new Api.NodeStatus
            {
                Name = v.Name,
                Role = role,
                Ready = v.Ready,
                Healthy = v.Healthy,
                ConsecutiveFailures = v.ConsecutiveFailures,
                RestartCount = crash?.Restarts,
                Reason = crash?.Reason,
                Message = crash?.Describe(v.Message) ?? v.Message,
            };
            nodes.Add(node);
            if (previous?.Healthy is { } was && was != v.Healthy)
            {
                Emit(_events.RecordAsync(pair, null, v.Healthy ? EventTypes.Normal : EventTypes.Warning, v.Healthy ? "NodeHealthy" : "NodeUnhealthy", "Probe",
                    $"{v.Name}: {v.Message}", cancellationToken));
            }

            if (crash is { CrashLooping: true })
            {
                crashLoops[v.Name] = crash;
                if (previous?.Reason != SideCrashLoop.CrashLoopBackOff)
                {
                    Emit(_events.WarningAsync(pair, "CollectorCrashLooping", "Observe", Truncate($"{v.Name}: {node.Message}", 1000), cancellationToken));
                }
            }
        }

        status.Nodes = nodes;

        var conditions = status.Conditions ??= [];
        foreach (var cv in SideCrashLoop.Name(decision.Conditions, decision.ActiveNode, crashLoops))
        {
            Conditions.Set(conditions, new Condition { Type = cv.Type, Status = cv.Status, Reason = cv.Reason, Message = Truncate(cv.Message), ObservedGeneration = generation }, now);
        }

        var phase = decision.Phase;
        if (decision.ActiveNode is not null && !confirmed && phase is F.PairPhase.Active or F.PairPhase.Degraded)
        {
            // The engine sees the grant written; the switch is done only when the holder confirms.
            phase = F.PairPhase.FailingOver;
            Conditions.Set(conditions, ConditionTypes.FailoverInProgress, true, "AwaitingConfirmation", $"waiting for {decision.ActiveNode} to confirm the lease by renewing it", generation, now);
            Conditions.Set(conditions, ConditionTypes.Ready, false, "AwaitingConfirmation", $"waiting for {decision.ActiveNode} to confirm the lease", generation, now);
        }

        status.Phase = phase switch
        {
            F.PairPhase.Pending => PairPhase.Pending,
            F.PairPhase.Active => PairPhase.Active,
            F.PairPhase.FailingOver => PairPhase.FailingOver,
            F.PairPhase.Degraded => PairPhase.Degraded,
            F.PairPhase.Paused => PairPhase.Paused,
            _ => PairPhase.Invalid,
        };

        // The VIP.
        if (pair.Spec.Vip is { } vip)
        {
            var service = c.VipService;
            var ingress = service?.Status?.LoadBalancer?.Ingress?.FirstOrDefault(i => !string.IsNullOrEmpty(i.Ip) || !string.IsNullOrEmpty(i.Hostname));
            var announcedBy = service?.Metadata.Annotations?.TryGetValue(PairObjects.KubeVipHost, out var host) == true ? host : decision.ActiveNode;
            var previousHost = old.Vip?.AnnouncedBy;
            status.Vip = new VipStatus
            {
                Address = ingress?.Ip ?? ingress?.Hostname ?? vip.Address ?? service?.Spec?.ClusterIP,
                AnnouncedBy = confirmed ? announcedBy : previousHost,
                Provider = vip.Provider,
            };
            var assigned = vip.Provider == VipProvider.None ? service is not null : ingress is not null;
            Conditions.Set(conditions, ConditionTypes.VipAssigned, assigned,
                assigned ? "Assigned" : "Pending",
                assigned ? $"{status.Vip.Address} via {vip.Provider}" : $"waiting for {vip.Provider} to assign {vip.Address}",
                generation, now);
            if (status.Vip.AnnouncedBy is { } by && previousHost is not null && by != previousHost)
            {
                Emit(_events.NormalAsync(pair, "VipMoved", "MoveVip", $"VIP {status.Vip.Address} moved from {previousHost} to {by}", cancellationToken));
            }
        }
        else
        {
            status.Vip = null;
            Conditions.Remove(conditions, ConditionTypes.VipAssigned);
        }

        if (pair.Spec.Simulator is { Enabled: true } simulator)
        {
            // The check follows the confirmed active collector only; during a switch there is nobody to ask.
            var activeIp = confirmed && decision.ActiveNode is { } an && c.CurrentPods.TryGetValue(an, out var ap) ? ap?.Status?.PodIP : null;
            _endToEnd?.Sync(c.Key, activeIp, _options.CollectorHttpPort, TimeSpan.FromSeconds(simulator.CheckPeriodSeconds));
            var result = _endToEnd?.Result(c.Key) ?? new EndToEndResult(null, "NotChecked", "no confirmed active collector to check");
            Conditions.Set(conditions, ConditionTypes.EndToEndDataFlowing, result.Flowing, result.Reason, result.Message, generation, now);
        }
        else
        {
            _endToEnd?.Remove(c.Key);
            Conditions.Remove(conditions, ConditionTypes.EndToEndDataFlowing);
        }

        _metrics.SetPairState(c.Namespace, c.Name, confirmed ? decision.ActiveNode : null, Conditions.IsTrue(conditions, ConditionTypes.Degraded));

        foreach (var ev in decision.Events.Where(e => e.Reason is not ("LeaseGranted" or "LeaseRevoked")))
        {
            Log.EngineEvent(_logger, c.Key, ev.Reason, ev.Message);
            Emit(_events.RecordAsync(pair, null, ev.Warning ? EventTypes.Warning : EventTypes.Normal, ev.Reason, "Decide", Truncate(ev.Message, 1000), cancellationToken));
        }

        await WriteStatusAsync(pair, old, status, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteStatusAsync(RedundantPair pair, RedundantPairStatus old, RedundantPairStatus status, CancellationToken cancellationToken)
    {
        if (KubeJson.Serialize(old) == KubeJson.Serialize(status) && pair.Status is not null)
        {
            if (_unrecorded.TryGetValue(ObjectKey.Of(pair), out var recorded) && status.LastTransition?.To == recorded.Transition.To)
            {
                _unrecorded.TryRemove(ObjectKey.Of(pair), out _);
            }

            return;
        }

        var update = Clone(pair);
        update.Status = status;
        var key = ObjectKey.Of(pair);
        Remember(_writtenPairs, key, await _client.ReplaceStatusAsync(OperatorCaches.PairType, update, cancellationToken).ConfigureAwait(false));
        if (_unrecorded.TryGetValue(key, out var pending) && status.LastTransition?.To == pending.Transition.To)
        {
            _unrecorded.TryRemove(key, out _);
        }
    }

    private async Task ClearSwitchoverRequestAsync(PairContext c, F.Decision decision, CancellationToken cancellationToken)
    {
        if (decision.Switchover is null)
        {
            return;
        }

        var annotations = new JsonObject();
        if (c.AnnotationRequest)
        {
            annotations[RedundantPair.SwitchoverAnnotation] = null;
        }

        if (c.SpecRequest is { } to)
        {
            annotations[HandledSwitchoverAnnotation] = "spec/" + to;
        }

        if (c.ForceRequest)
        {
            // A force applies to the one request it came with.
            annotations[RedundantPair.SwitchoverForceAnnotation] = null;
        }

        if (annotations.Count == 0)
        {
            return;
        }

        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations } };
        Remember(_writtenPairs, c.Key, await _client.PatchAsync<RedundantPair>(OperatorCaches.PairType, c.Namespace, c.Name, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false));
    }

    private async Task InvalidAsync(string key, RedundantPair pair, IReadOnlyList<ValidationError> errors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _probes.Remove(key);
        var old = pair.Status ?? new RedundantPairStatus();
        var status = Clone(old);
        var conditions = status.Conditions ??= [];
        var generation = pair.Metadata.Generation;
        var specValid = RedundantPairValidator.SpecValidCondition(errors, generation, now);
        var wasInvalid = Conditions.IsFalse(old.Conditions, ConditionTypes.SpecValid) && Conditions.Find(old.Conditions, ConditionTypes.SpecValid)?.Message == specValid.Message;
        Conditions.Set(conditions, specValid, now);
        Conditions.Set(conditions, ConditionTypes.Ready, false, "InvalidSpec", Truncate(specValid.Message), generation, now);
        status.Phase = PairPhase.Invalid;
        status.ObservedGeneration = generation;
        if (!wasInvalid)
        {
            Log.InvalidSpec(_logger, key, specValid.Message);
            Emit(_events.WarningAsync(pair, "InvalidSpec", "Validate", Truncate(specValid.Message, 1000), cancellationToken));
        }

        await WriteStatusAsync(pair, old, status, cancellationToken).ConfigureAwait(false);
    }

    private async Task FinalizeAsync(string key, RedundantPair pair, CancellationToken cancellationToken)
    {
        if (!Finalizers.Has(pair.Metadata, PairLabels.Finalizer))
        {
            return;
        }

        Log.Finalizing(_logger, key);
        _probes.Remove(key);
        var ns = pair.Metadata.Namespace;
        var name = pair.Metadata.Name!;

        // Owner references let the garbage collector do this too; deleting explicitly leaves nothing behind even
        // where no collector runs (and stops the collectors before the Lease goes).
        var deployments = (await _client.ListAsync<Deployment>(ns, new ListOptions { LabelSelector = $"{PairLabels.Pair}={name}" }, cancellationToken).ConfigureAwait(false)).Items;
        foreach (var d in deployments)
        {
            await _client.DeleteIfExistsAsync<Deployment>(d.Metadata.Name!, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var services = (await _client.ListAsync<Service>(ns, new ListOptions { LabelSelector = $"{PairLabels.Pair}={name}" }, cancellationToken).ConfigureAwait(false)).Items;
        foreach (var s in services)
        {
            await _client.DeleteIfExistsAsync<Service>(s.Metadata.Name!, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await _client.DeleteIfExistsAsync<Lease>(PairLabels.LeaseName(name), ns, cancellationToken: cancellationToken).ConfigureAwait(false);

        Finalizers.Remove(pair.Metadata, PairLabels.Finalizer);
        try
        {
            await _client.ReplaceAsync(OperatorCaches.PairType, pair, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // Already gone.
        }

        Forget(key, ns ?? "", name);
    }

    private static T Remember<T>(ConcurrentDictionary<string, T> written, string key, T obj)
        where T : KubernetesObject
    {
        written[key] = obj;
        return obj;
    }

    /// <summary>The newer of the cached object and our own last write of it (resourceVersions compared as numbers).</summary>
    private static T Fresher<T>(ConcurrentDictionary<string, T> written, string key, T cached)
        where T : KubernetesObject
    {
        if (!written.TryGetValue(key, out var mine))
        {
            return cached;
        }

        if (long.TryParse(mine.Metadata.ResourceVersion, CultureInfo.InvariantCulture, out var w)
            && long.TryParse(cached.Metadata.ResourceVersion, CultureInfo.InvariantCulture, out var c) && w > c
            && mine.Metadata.Uid == cached.Metadata.Uid)
        {
            return mine;
        }

        // The cache caught up (or the versions cannot be compared): it is the truth from now on.
        written.TryRemove(new KeyValuePair<string, T>(key, mine));
        return cached;
    }

    private void Forget(string key, string ns, string name)
    {
        _endToEnd?.Remove(key);
        _writtenPairs.TryRemove(key, out _);
        _writtenLeases.TryRemove(key, out _);
        _decidedAt.TryRemove(key, out _);
        _unrecorded.TryRemove(key, out _);
        _probes.Remove(key);
        _engineState.TryRemove(key, out _);
        _clock.Forget("lease/" + key);
        _renewals?.Stop(key);
        _clock.Forget("rollout/" + key);
        _metrics.Forget(ns, name);
    }

    private static Dictionary<string, string> Merge(IDictionary<string, string>? existing, IDictionary<string, string>? desired)
    {
        var merged = new Dictionary<string, string>(existing ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (k, v) in desired ?? new Dictionary<string, string>())
        {
            merged[k] = v;
        }

        return merged;
    }

    /// <summary>Events are not on the critical path of a switch: record them in the background (the recorder logs failures).</summary>
    private static void Emit(Task recording) =>
        _ = recording.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static string Truncate(string message, int max = 32768) => message.Length <= max ? message : message[..(max - 3)] + "...";

    private static T Clone<T>(T obj) => KubeJson.Deserialize<T>(KubeJson.Serialize(obj));

    /// <summary>What one reconcile of one pair works with.</summary>
    private sealed class PairContext(string key, RedundantPair pair, F.FailoverPolicy policy, LeaseTerms terms, DateTimeOffset now)
    {
        public string Key { get; } = key;

        public string Namespace { get; } = pair.Metadata.Namespace ?? "";

        public string Name { get; } = pair.Metadata.Name!;

        public RedundantPair Pair { get; } = pair;

        public F.FailoverPolicy Policy { get; } = policy;

        public LeaseTerms Terms { get; } = terms;

        public DateTimeOffset Now { get; set; } = now;

        public Lease? Lease { get; set; }

        public Service? VipService { get; set; }

        public Dictionary<string, Pod?> CurrentPods { get; } = new(StringComparer.Ordinal);

        public bool Granted { get; set; }

        /// <summary>The epoch this reconcile granted, when it granted.</summary>
        public long? GrantedEpoch { get; set; }

        public bool AnnotationRequest { get; set; }

        public bool ForceRequest { get; set; }

        public string? SpecRequest { get; set; }

        public RolloutPlan? Rollout { get; set; }

        public DateTimeOffset? WakeAt { get; private set; }

        public void Wake(DateTimeOffset at)
        {
            if (WakeAt is null || at < WakeAt)
            {
                WakeAt = at;
            }
        }
    }
}
