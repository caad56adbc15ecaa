namespace EdgeHa.Failover;

/// <summary>
/// The failover decision as a pure function of what was observed, the policy and the time. No I/O, no clock of its
/// own: the same inputs always give the same decision, which is what lets the simulation replay a seed exactly.
/// </summary>
public static class FailoverEngine
{
    /// <summary>Decides what should be true next. Never throws for odd observations; an invalid policy yields phase Invalid.</summary>
    public static Decision Decide(PairObservation observed, FailoverPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(policy);

        var errors = policy.Validate();
        if (errors.Count > 0 || observed.Primary.Name == observed.Standby.Name)
        {
            var message = observed.Primary.Name == observed.Standby.Name
                ? $"primaryNode and standbyNode must differ (both are '{observed.Primary.Name}')"
                : string.Join("; ", errors);
            return Hold(observed, policy, PairPhase.Invalid, ConditionValue.Of(ConditionTypes.SpecValid, false, "InvalidSpec", message), now);
        }

        if (policy.Paused)
        {
            return Hold(observed, policy, PairPhase.Paused, ConditionValue.Of(ConditionTypes.SpecValid, true, "Valid", "the spec is valid"), now);
        }

        return new Evaluation(observed, policy, now).Run();
    }

    /// <summary>Why a side cannot take over now, or null when it is eligible (hot: healthy probes; cold: node Ready and schedulable).</summary>
    public static string? Ineligibility(SideObservation side, FailoverPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(side);
        ArgumentNullException.ThrowIfNull(policy);
        var node = side.Node;
        if (!node.Exists)
        {
            return "node does not exist";
        }

        if (!node.Ready)
        {
            return "node is NotReady";
        }

        if (node.Unschedulable)
        {
            return "node is cordoned";
        }

        if (node.LeaseRenewTime is { } renew && now - renew >= policy.NodeLeaseStale)
        {
            return $"node lease is stale (renewed {(now - renew).TotalSeconds:0.#} s ago)";
        }

        if (side.Device == DeviceReachability.Unreachable)
        {
            return "device is unreachable from this node";
        }

        if (policy.StandbyMode == StandbyMode.Hot)
        {
            if (!side.Pod.Exists)
            {
                return "no collector pod";
            }

            if (!side.Pod.Ready)
            {
                return "collector pod is not Ready";
            }

            // Healthy, and the last probe good: a standby in the middle of a failure run is not promoted.
            if (side.Pod.Health.Healthy != true || side.Pod.Health.ConsecutiveFailures > 0)
            {
                return side.Pod.Health.Healthy is null
                    ? "no probe verdict yet"
                    : $"probes failing ({side.Pod.Health.ConsecutiveFailures} consecutive)";
            }
        }

        return null;
    }

    /// <summary>Paused or invalid: report, change nothing.</summary>
    private static Decision Hold(PairObservation observed, FailoverPolicy policy, PairPhase phase, ConditionValue specValid, DateTimeOffset now)
    {
        var active = observed.Side(observed.ActiveNode)?.Name;
        var roles = new Dictionary<string, NodeRole>
        {
            [observed.Primary.Name] = observed.Primary.Pod.Role ?? RoleOf(observed.Primary.Name, active, policy),
            [observed.Standby.Name] = observed.Standby.Pod.Role ?? RoleOf(observed.Standby.Name, active, policy),
        };
        var paused = phase == PairPhase.Paused;
        return new Decision
        {
            ActiveNode = observed.ActiveNode,
            Roles = roles,
            Lease = LeaseAction.Keep,
            Epoch = observed.Epoch,
            FailoverCount = observed.FailoverCount,
            Phase = phase,
            Conditions =
            [
                specValid,
                ConditionValue.Of(ConditionTypes.ReconciliationPaused, paused, paused ? "Paused" : "NotPaused",
                    paused ? "spec.paused is true: no automatic action" : "automatic action is enabled"),
                ConditionValue.Of(ConditionTypes.Ready, false, paused ? "ReconciliationPaused" : "InvalidSpec",
                    paused ? "paused: the pair is not managed" : specValid.Message),
                ConditionValue.Of(ConditionTypes.FailoverInProgress, false, paused ? "ReconciliationPaused" : "InvalidSpec", "no action is taken"),
            ],
            Nodes = [Verdict(observed.Primary, roles, null, policy, now), Verdict(observed.Standby, roles, null, policy, now)],
            State = observed.State,
        };
    }

    /// <summary>The role a node should run in when <paramref name="active"/> is the active node.</summary>
    public static NodeRole RoleOf(string node, string? active, FailoverPolicy policy) =>
        node == active ? NodeRole.Active : policy?.StandbyMode == StandbyMode.Hot ? NodeRole.Standby : NodeRole.Stopped;

    private static NodeVerdict Verdict(SideObservation side, IReadOnlyDictionary<string, NodeRole> roles, string? problem, FailoverPolicy policy, DateTimeOffset now)
    {
        problem ??= roles[side.Name] == NodeRole.Active ? null : Ineligibility(side, policy, now);
        return new NodeVerdict(side.Name, roles[side.Name], side.Node.Exists && side.Node.Ready, problem is null,
            side.Pod.Health.ConsecutiveFailures, side.Pod.Health.LastProbeAt, problem ?? "ok");
    }

    /// <summary>One call of the engine: the observation, the policy and the time, and what is being decided.</summary>
    private sealed class Evaluation(PairObservation o, FailoverPolicy p, DateTimeOffset now)
    {
        private readonly List<EngineEvent> _events = [];
        private readonly List<DateTimeOffset> _wakeUps = [];
        private FailoverState _state = o.State;
        private string? _degradedReason;
        private string? _degradedMessage;
        private string? _activeProblem;
        private string? _activeProblemNode;
        private string? _joinWait;
        private bool _warmingUp;
        private bool _primaryEligible;

        public Decision Run()
        {
            var graceEnd = o.OperatorStartedAt + p.StartupGrace;
            // Grace ends early once both sides have a verdict: nothing is left to observe, so it never adds to detection.
            var inGrace = now < graceEnd && !(HasVerdict(o.Primary) && HasVerdict(o.Standby));
            if (inGrace)
            {
                _wakeUps.Add(graceEnd);
            }

            var primaryProblem = Ineligibility(o.Primary, p, now);
            _primaryEligible = primaryProblem is null;
            // A leader that has no probe verdict of its own yet (it just took over) does not know, which is not a
            // failure: the stabilization window the last leader started (status.memory) goes on rather than again.
            var awaitingVerdict = primaryProblem is not null && o.Primary.Pod.Health.Healthy is null
                && Ineligibility(o.Primary with { Pod = o.Primary.Pod with { Health = o.Primary.Pod.Health with { Healthy = true } } }, p, now) is null;
            _state = _state with
            {
                PrimaryEligibleSince = _primaryEligible ? _state.PrimaryEligibleSince ?? now : awaitingVerdict ? _state.PrimaryEligibleSince : null,
            };

            var desired = o.Side(o.ActiveNode)?.Name;
            var epoch = o.Epoch;
            var failoverCount = o.FailoverCount;
            TransitionRecord? transition = null;
            SwitchoverAck? ack = null;

            void Promote(string to, TransitionKind kind, string reason, TimeSpan detection, string message)
            {
                transition = new TransitionRecord(now, kind, reason, desired, to, detection);
                epoch++;
                if (kind == TransitionKind.Failover)
                {
                    failoverCount++;
                    _state = _state with { LastFailedNode = desired, LastFailedAt = now };
                }

                _events.Add(new EngineEvent(kind == TransitionKind.Failover, kind switch
                {
                    TransitionKind.Failover => "FailoverStarted",
                    TransitionKind.Switchover => "SwitchoverStarted",
                    TransitionKind.Failback => "FailbackStarted",
                    _ => "InitialPromotion",
                }, $"{message}; promoting {to} at epoch {epoch}"));
                desired = to;
                var promoted = o.Side(to)!.Pod.Health;
                _state = _state with
                {
                    ActiveFailureNode = null,
                    ActiveFailureDetectedAt = null,
                    ActiveConfirmedHealthy = promoted.Healthy == true && promoted.ConsecutiveFailures == 0 && o.Side(to)!.Pod.Ready,
                };
            }

            if (desired is null)
            {
                var holder = o.Side(o.Lease.Holder)?.Name;
                if (holder is not null)
                {
                    desired = holder; // status was lost but the Lease tells who acts: adopt it, no switch
                }
                else
                {
                    // The join wait: a pair with nobody active prefers its primary for the join timeout (image pulls,
                    // slow starts); only a definite failure of the primary ends the wait early, never "no pod yet".
                    var joinEnd = (o.JoinSince ?? o.OperatorStartedAt) + p.JoinTimeout;
                    var standbyProblem = Ineligibility(o.Standby, p, now);
                    var definite = DefiniteStartFailure(o.Primary);
                    if (primaryProblem is null)
                    {
                        Promote(o.Primary.Name, TransitionKind.Initial, "InitialPromotion", TimeSpan.Zero, $"{o.Primary.Name} is the primary and eligible");
                    }
                    else if (now < joinEnd && definite is null)
                    {
                        _joinWait = $"waiting until {joinEnd:O} for primary {o.Primary.Name} ({primaryProblem})";
                        _wakeUps.Add(joinEnd);
                    }
                    else if (standbyProblem is null)
                    {
                        Promote(o.Standby.Name, TransitionKind.Initial, "InitialPromotion", TimeSpan.Zero, $"primary {o.Primary.Name} is not eligible ({definite ?? primaryProblem})");
                    }
                    else
                    {
                        Degrade("NoEligibleNode", $"no node can be active: {o.Primary.Name}: {primaryProblem}; {o.Standby.Name}: {standbyProblem}");
                    }
                }
            }
            else
            {
                var active = o.Side(desired)!;
                var other = o.Other(active);
                var otherProblem = TargetProblem(other);

                // 1. A manual request, acted on once.
                if (!inGrace && o.Switchover is { } request && request.Id != _state.LastHandledSwitchoverId)
                {
                    ack = HandleRequest(request, desired, otherProblem, out var promoteTo);
                    _state = _state with { LastHandledSwitchoverId = request.Id };
                    if (promoteTo is not null)
                    {
                        Promote(promoteTo, TransitionKind.Switchover, "SwitchoverRequested", TimeSpan.Zero, $"switchover to {promoteTo} requested{(request.Force ? " (forced)" : "")}");
                    }
                }

                if (transition is null)
                {
                    var failure = ActiveFailure(active, other);
                    if (failure is not null)
                    {
                        _activeProblem = failure.Message;
                        _activeProblemNode = desired;
                        var detectedAt = failure.DetectedAt;
                        if (_state.ActiveFailureNode == desired && _state.ActiveFailureDetectedAt is { } seen && seen < detectedAt)
                        {
                            detectedAt = seen;
                        }

                        _state = _state with { ActiveFailureNode = desired, ActiveFailureDetectedAt = detectedAt };
                        if (otherProblem is not null)
                        {
                            // Both sides failed: keep the last active (it may come back first), never flap between two dead sides.
                            Degrade("NoEligibleStandby", $"active {desired} failed ({failure.Message}) and standby {other.Name} is not eligible ({otherProblem}); keeping {desired}");
                        }
                        else if (inGrace)
                        {
                            Degrade("ActiveFailing", $"active {desired} failed ({failure.Message}); start-up grace until {graceEnd:O}");
                        }
                        else if (now < detectedAt + p.FailoverDelay)
                        {
                            Degrade("ActiveFailing", $"active {desired} failed ({failure.Message}); failover delay until {detectedAt + p.FailoverDelay:O}");
                            _wakeUps.Add(detectedAt + p.FailoverDelay);
                        }
                        else
                        {
                            var onset = failure.Onset < detectedAt ? failure.Onset : detectedAt;
                            Promote(other.Name, TransitionKind.Failover, failure.Reason, now - onset, $"active {desired} failed: {failure.Message}");
                        }
                    }
                    else
                    {
                        _state = _state with { ActiveFailureNode = null, ActiveFailureDetectedAt = null };
                        if (!inGrace)
                        {
                            PlannedSwitch(active, other, otherProblem, Promote);
                        }
                    }
                }
            }

            // Degraded also when redundancy is lost: the non-active side could not take over.
            if (_degradedReason is null && desired is not null)
            {
                var standby = o.Other(o.Side(desired)!);
                if (TargetProblem(standby) is { } problem)
                {
                    _degradedReason = "StandbyNotEligible";
                    _degradedMessage = $"standby {standby.Name} is not eligible: {problem}";
                }
            }

            if (_degradedReason != _state.DegradedReason)
            {
                if (_degradedReason is not null)
                {
                    _events.Add(new EngineEvent(true, _degradedReason, _degradedMessage!));
                }

                _state = _state with { DegradedReason = _degradedReason };
            }

            var lease = Fencing(desired);
            // A warm-up in progress survives calls that do not reach the fail-back rule (e.g. a new leader's grace,
            // which the warming pod itself prolongs by having no verdict yet); otherwise the role would flip-flop.
            if (transition is null && !_warmingUp && inGrace && _state.FailbackWarmupSince is not null
                && desired is not null && desired != o.Primary.Name && primaryProblem is null && _activeProblemNode is null)
            {
                _warmingUp = true;
            }

            if (!_warmingUp || transition is not null)
            {
                _state = _state with { FailbackWarmupSince = null };
            }

            var roles = new Dictionary<string, NodeRole>
            {
                [o.Primary.Name] = _warmingUp && transition is null ? NodeRole.Standby : RoleOf(o.Primary.Name, desired, p),
                [o.Standby.Name] = RoleOf(o.Standby.Name, desired, p),
            };
            var fencing = desired is not null && o.Lease.Holder != desired;
            var bothFailed = _degradedReason is "NoEligibleStandby" or "NoEligibleNode" or "DeviceUnreachable";
            var phase = desired is null ? PairPhase.Pending
                : fencing ? PairPhase.FailingOver
                : bothFailed ? PairPhase.Degraded
                : PairPhase.Active;
            var ready = phase == PairPhase.Active && _activeProblemNode != desired;

            return new Decision
            {
                ActiveNode = desired,
                Roles = roles,
                Lease = lease,
                Epoch = epoch,
                FailoverCount = failoverCount,
                Phase = phase,
                Transition = transition,
                Switchover = ack,
                Conditions =
                [
                    ConditionValue.Of(ConditionTypes.SpecValid, true, "Valid", "the spec is valid"),
                    ConditionValue.Of(ConditionTypes.ReconciliationPaused, false, "NotPaused", "automatic action is enabled"),
                    ready
                        ? ConditionValue.Of(ConditionTypes.Ready, true, "ActiveHoldsLease", $"{desired} is active and holds the lease at epoch {epoch}")
                        : ConditionValue.Of(ConditionTypes.Ready, false, desired is null ? (_joinWait is not null ? "WaitingForPrimary" : "NoActiveNode") : fencing ? "FailoverInProgress" : "ActiveFailing",
                            desired is null ? (_joinWait ?? _degradedMessage ?? "no active node") : fencing ? $"waiting for {desired} to hold the lease" : _activeProblem ?? "active is failing"),
                    fencing
                        ? ConditionValue.Of(ConditionTypes.FailoverInProgress, true, lease.Kind == LeaseActionKind.Revoke ? "RevokingLease" : lease.IsDue(now) ? "GrantingLease" : "AwaitingLeaseExpiry",
                            $"lease {Describe(o.Lease)}; moving it to {desired}")
                        : ConditionValue.Of(ConditionTypes.FailoverInProgress, false, "Stable", "no switch in progress"),
                    _degradedReason is null
                        ? ConditionValue.Of(ConditionTypes.Degraded, false, "Redundant", "both sides can serve")
                        : ConditionValue.Of(ConditionTypes.Degraded, true, _degradedReason, _degradedMessage!),
                ],
                Events = _events,
                Nodes = [Verdict(o.Primary, roles, o.Primary.Name == _activeProblemNode ? _activeProblem : null, p, now), Verdict(o.Standby, roles, o.Standby.Name == _activeProblemNode ? _activeProblem : null, p, now)],
                NextEvaluationAt = _wakeUps.Where(t => t > now).Select(t => (DateTimeOffset?)t).Min(),
                State = _state,
            };
        }

        /// <summary>
        /// Why a side cannot be switched to now. Beyond <see cref="Ineligibility"/>: a cold standby node that the pair
        /// just failed away from cannot be probed (its collector is stopped), so for one stabilization window it is
        /// not trusted again unless its node shows it restarted (a Ready transition after the failure). Without this a
        /// double failure ping-pongs between two broken sides; with it the pair keeps the last active, Degraded.
        /// </summary>
        private string? TargetProblem(SideObservation side)
        {
            if (Ineligibility(side, p, now) is { } problem)
            {
                return problem;
            }

            if (p.StandbyMode == StandbyMode.Cold && _state.LastFailedNode == side.Name && _state.LastFailedAt is { } failedAt
                && now < failedAt + p.FailbackStabilization
                && !(side.Node.ReadyTransitionTime is { } ready && ready > failedAt))
            {
                _wakeUps.Add(failedAt + p.FailbackStabilization);
                return $"failed at {failedAt:O} and cannot be probed while stopped; trusted again at {failedAt + p.FailbackStabilization:O}";
            }

            return null;
        }

        /// <summary>How long a starting cold collector gets to become healthy: the start-up grace plus one detection time.</summary>
        private TimeSpan ActivationWindow => p.StartupGrace + (p.ProbePeriod * p.FailureThreshold) + p.ProbeTimeout;

        private static string Describe(LeaseObservation lease) =>
            lease.IsHeld ? $"held by {lease.Holder}" : lease.ReleasedBy is { } r ? $"released by {r}" : "empty";

        /// <summary>A failure that no amount of waiting cures by itself: the node is gone, NotReady, cordoned or stale, or the pod cannot start.</summary>
        private string? DefiniteStartFailure(SideObservation side)
        {
            var node = side.Node;
            if (!node.Exists || !node.Ready || node.Unschedulable || (node.LeaseRenewTime is { } renew && now - renew >= p.NodeLeaseStale))
            {
                return Ineligibility(side, p, now);
            }

            return side.Pod.StartFailure is { } why ? $"collector pod cannot start: {why}" : null;
        }

        private bool HasVerdict(SideObservation side) => side.Pod.Health.Healthy is not null || !side.Pod.Exists;

        private void Degrade(string reason, string message)
        {
            _degradedReason ??= reason;
            _degradedMessage ??= message;
        }

        private SwitchoverAck HandleRequest(SwitchoverRequest request, string active, string? otherProblem, out string? promoteTo)
        {
            promoteTo = null;
            var target = o.Side(request.Target);
            if (target is null)
            {
                _events.Add(new EngineEvent(true, "SwitchoverRefused", $"switchover target '{request.Target}' is not a node of this pair ({o.Primary.Name}, {o.Standby.Name})"));
                return new SwitchoverAck(request.Id, request.Target, now, false, "UnknownNode", $"'{request.Target}' is neither {o.Primary.Name} nor {o.Standby.Name}");
            }

            if (target.Name == active)
            {
                return new SwitchoverAck(request.Id, request.Target, now, true, "AlreadyActive", $"{active} is already active");
            }

            if (otherProblem is not null && !request.Force)
            {
                _events.Add(new EngineEvent(true, "SwitchoverRefused", $"switchover to {target.Name} refused: {otherProblem} (set force to override)"));
                return new SwitchoverAck(request.Id, request.Target, now, false, "TargetNotEligible", $"{target.Name}: {otherProblem}");
            }

            promoteTo = target.Name;
            return new SwitchoverAck(request.Id, request.Target, now, true, "Started", otherProblem is null ? $"switching to {target.Name}" : $"forced switch to {target.Name} although {otherProblem}");
        }

        private void PlannedSwitch(SideObservation active, SideObservation other, string? otherProblem, Action<string, TransitionKind, string, TimeSpan, string> promote)
        {
            if (otherProblem is not null)
            {
                return;
            }

            if (active.Node.Unschedulable)
            {
                promote(other.Name, TransitionKind.Switchover, "ActiveNodeCordoned", TimeSpan.Zero, $"active node {active.Name} is cordoned");
                return;
            }

            if (p.Failback == FailbackMode.Automatic && active.Name != o.Primary.Name && _primaryEligible && _state.PrimaryEligibleSince is { } since)
            {
                var due = since + p.FailbackStabilization;
                if (o.LastTransition is { } last && last.At + p.FailbackStabilization > due)
                {
                    due = last.At + p.FailbackStabilization; // at most one automatic switch per window
                }

                if (now < due)
                {
                    _wakeUps.Add(due);
                }
                else if (p.StandbyMode == StandbyMode.Hot)
                {
                    promote(o.Primary.Name, TransitionKind.Failback, "Failback", TimeSpan.Zero, $"primary {o.Primary.Name} eligible since {since:O}");
                }
                else
                {
                    WarmUpThenFailBack(since, promote);
                }
            }
        }

        /// <summary>
        /// Cold standby: a stopped collector cannot show that it is healthy, and a Ready node does not prove that the
        /// collector that failed there will work now. So the primary's collector is first started in standby role;
        /// only when its probes are healthy does the fail-back switch. If it does not become healthy within the start-up
        /// grace plus one detection time, the attempt is dropped (no switch, so no flapping) and a new window starts.
        /// </summary>
        private void WarmUpThenFailBack(DateTimeOffset since, Action<string, TransitionKind, string, TimeSpan, string> promote)
        {
            var warmSince = _state.FailbackWarmupSince ?? now;
            var health = o.Primary.Pod.Health;
            // Healthy since the warm-up began and for at least one detection length (F periods) without a failure.
            var proven = health.HealthySince is { } hs && hs >= warmSince ? hs + (p.ProbePeriod * p.FailureThreshold) : (DateTimeOffset?)null;
            if (o.Primary.Pod.Exists && o.Primary.Pod.Ready && health.Healthy == true && health.ConsecutiveFailures == 0
                && proven is { } provenAt && now >= provenAt)
            {
                promote(o.Primary.Name, TransitionKind.Failback, "Failback", TimeSpan.Zero, $"primary {o.Primary.Name} eligible since {since:O} and its collector is healthy");
                return;
            }

            var giveUpAt = warmSince + ActivationWindow;
            if (proven is { } wait && wait > now)
            {
                _wakeUps.Add(wait);
            }

            if (now < giveUpAt)
            {
                _warmingUp = true;
                _state = _state with { FailbackWarmupSince = warmSince };
                _wakeUps.Add(giveUpAt);
                return;
            }

            _events.Add(new EngineEvent(true, "FailbackAborted", $"the collector on primary {o.Primary.Name} did not become healthy in standby role by {giveUpAt:O}; staying on {o.Standby.Name}"));
            _state = _state with { FailbackWarmupSince = null, PrimaryEligibleSince = now };
            _wakeUps.Add(now + p.FailbackStabilization);
        }

        private sealed record Failure(string Reason, string Message, DateTimeOffset DetectedAt, DateTimeOffset Onset);

        private Failure? ActiveFailure(SideObservation active, SideObservation other)
        {
            var failures = new List<Failure>();
            var node = active.Node;
            if (!node.Exists)
            {
                failures.Add(new("NodeGone", $"node {active.Name} does not exist", now, now));
            }
            else if (!node.Ready)
            {
                var at = node.ReadyTransitionTime ?? now;
                failures.Add(new("NodeNotReady", $"node {active.Name} is NotReady", at, at));
            }

            if (node.LeaseRenewTime is { } renew)
            {
                var staleAt = renew + p.NodeLeaseStale;
                if (now >= staleAt)
                {
                    failures.Add(new("NodeLeaseStale", $"node lease of {active.Name} not renewed since {renew:O}", staleAt, renew));
                }
                else
                {
                    _wakeUps.Add(staleAt);
                }
            }

            // A cold side that was just promoted is still starting: judge its pod only after it came up once (Ready to
            // kubelet and healthy to our probes: the probe often answers a second before the readiness probe does) or
            // its window has passed, so a slow start does not bounce the pair back. The window is the activation window
            // (start-up grace + one detection time); for a new pair's first promotion it is the join timeout, as in the
            // join wait of a hot pair, which only a definite start failure ends early.
            var promoted = o.LastTransition is { } t && t.To == active.Name ? t : null;
            var window = promoted?.Kind == TransitionKind.Initial && p.JoinTimeout > ActivationWindow ? p.JoinTimeout : ActivationWindow;
            var startBy = promoted?.At + window;
            if (active.Pod.Health.Healthy == true && active.Pod.Ready)
            {
                _state = _state with { ActiveConfirmedHealthy = true };
            }

            var starting = p.StandbyMode == StandbyMode.Cold && now < startBy && !_state.ActiveConfirmedHealthy && DefiniteStartFailure(active) is null;
            if (starting)
            {
                _wakeUps.Add(startBy!.Value);
            }
            else if (!active.Pod.Exists)
            {
                failures.Add(new("PodGone", $"no collector pod on {active.Name}", now, now));
            }
            else
            {
                if (!active.Pod.Ready)
                {
                    var at = active.Pod.ReadyTransitionTime ?? now;
                    failures.Add(new("PodNotReady", $"collector pod on {active.Name} is not Ready", at, at));
                }

                var health = active.Pod.Health;
                if (health.Healthy == false)
                {
                    var at = health.UnhealthySince ?? now;
                    failures.Add(new("ProbeFailed", $"{health.ConsecutiveFailures} consecutive probes failed on {active.Name}", at, health.FirstFailureAt ?? at));
                }
            }

            // Only a successful renewal counts: an active whose renewals stopped (its API calls fail, are refused or
            // time out) has stopped acting by its own clock, however healthy its probes look.
            // (The caller looks again when the renewals would become stale: it sees every renewal, the engine does not.)
            if (o.Lease.Holder == active.Name && o.Lease.SafeAfter(p.ClockSkewMargin) is { } renewalsStaleAt && now >= renewalsStaleAt)
            {
                var lastRenewal = o.Lease.RenewTime!.Value;
                failures.Add(new("LeaseRenewalStale", $"{active.Name} has not renewed the pair lease since {lastRenewal:O} (lease {o.Lease.Duration.TotalMilliseconds:0} ms + margin {p.ClockSkewMargin.TotalMilliseconds:0} ms): it has stopped acting", renewalsStaleAt, lastRenewal));
            }

            if (active.Device == DeviceReachability.Unreachable)
            {
                if (other.Device == DeviceReachability.Reachable)
                {
                    var at = active.DeviceSince ?? now;
                    failures.Add(new("DeviceUnreachableFromActive", $"the device is stale from {active.Name} but reachable from {other.Name}", at, at));
                }
                else if (other.Device == DeviceReachability.Unreachable)
                {
                    // The problem is the device or its network, not the node: switching would not help.
                    Degrade("DeviceUnreachable", "the device is unreachable from both nodes; no failover (the problem is not the node)");
                }
            }

            if (failures.Count == 0)
            {
                return null;
            }

            var first = failures.MinBy(f => f.DetectedAt)!;
            var onset = failures.Min(f => f.Onset);
            return first with { Message = string.Join("; ", failures.Select(f => f.Message)), Onset = onset };
        }

        /// <summary>The fencing rule: a new holder only after the old one released, or its lease expired plus the skew margin.</summary>
        private LeaseAction Fencing(string? desired)
        {
            var lease = o.Lease;
            if (desired is null || lease.Holder == desired)
            {
                return LeaseAction.Keep;
            }

            var safeAfter = lease.SafeAfter(p.ClockSkewMargin) ?? now;
            if (lease.IsHeld)
            {
                if (now >= safeAfter)
                {
                    _events.Add(new EngineEvent(false, "LeaseGranted", $"lease of {lease.Holder} expired; granting it to {desired}"));
                    return LeaseAction.Grant(desired, now); // compare-and-swap: a renew in between makes it fail
                }

                _events.Add(new EngineEvent(false, "LeaseRevoked", $"revoking the lease from {lease.Holder} for {desired}"));
                _wakeUps.Add(safeAfter);
                return LeaseAction.Revoke(lease.Holder!);
            }

            if (!string.IsNullOrEmpty(lease.ReleasedBy) || now >= safeAfter)
            {
                _events.Add(new EngineEvent(false, "LeaseGranted", $"granting the lease to {desired}"));
                return LeaseAction.Grant(desired, now);
            }

            _wakeUps.Add(safeAfter);
            return LeaseAction.Grant(desired, safeAfter);
        }
    }
}
