using System.Globalization;
using EdgeHa.Demo.Data;
using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Scenario;

/// <summary>
/// The script for one pair: apply it, wait for the first placement (on the primary, epoch 1) and data through the
/// VIP, steady state, crash the primary node, wait for the failover, steady state, restore the primary, wait for the
/// automatic fail-back, steady state, change the collector's template (an upgrade: the upgraded standby takes over in
/// a planned switchover, then the former active is upgraded and the pair fails back to it), steady state, delete the
/// pair. Meanwhile it reads data through the VIP, subscribes to the pair's samples at the MQTT broker (when the
/// environment runs one; subscribed before the pair exists, so the first message is seen), follows status and Events,
/// and draws the status line; at the end it measures both views and judges.
/// </summary>
public sealed class DemoScenario(IDemoEnvironment environment, TimeProvider time, ScenarioTimings timings, ConsoleUi? ui = null)
{
    public async Task<ModeResult> RunAsync(PairManifest pair, bool deleteAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var timeline = new Timeline();
        var origin = time.GetUtcNow();
        var started = time.GetTimestamp();
        var route = environment.VipRoute(pair);
        var reader = new VipSampleReader(route, environment.Fetcher, time, timings.Reader);
        var observer = new PairObserver(environment, pair, timeline, time);
        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new[]
        {
            Task.Run(() => reader.RunAsync(background.Token), CancellationToken.None),
            Task.Run(() => observer.RunAsync(background.Token), CancellationToken.None),
            Task.Run(() => StatusLoopAsync(pair, route, reader, observer, started, background.Token), CancellationToken.None),
        };

        var primary = pair.PrimaryNode;
        var standby = pair.StandbyNode;
        DateTimeOffset crashAt = default, restoreAt = default, upgradeAt = default;
        Stint? failoverStint = null, failbackStint = null, upgradeStint = null, upgradeFailbackStint = null;
        TransitionSnapshot? failoverStatus = null, failbackStatus = null, upgradeStatus = null, upgradeFailbackStatus = null;
        string? hashBefore = null;
        ISampleSubscription? subscription = null;

        string? RolledOut()
        {
            var rollout = observer.Latest?.Rollout;
            if (rollout?.Phase == "Stalled")
            {
                throw new StepFailedException($"the rollout stalled: {rollout.Message ?? "no message"}");
            }

            return rollout is { Phase: "Complete" } && rollout.TemplateHash != hashBefore
                ? null
                : $"status.rollout phase Complete for the new template (now {rollout?.Phase ?? "none"}{(rollout?.Message is { } m ? ": " + m : "")})";
        }

        string? Placed()
        {
            var s = observer.Latest;
            if (s is null)
            {
                return "the pair's status (is the operator reconciling?)" + (observer.LastError is { } e ? $"; last read error: {e}" : "");
            }

            if (s.ActiveNode != primary)
            {
                return $"status.activeNode {primary} (now {s.ActiveNode ?? "none"}, phase {s.Phase ?? "-"})";
            }

            if (s.LastTransition?.SwitchMs is null)
            {
                return "status.lastTransition.switchMilliseconds (the first holder confirming the pair Lease and the VIP routing to it)";
            }

            return reader.SampleCount == 0 ? $"samples through the VIP {route.Name} (last read: {reader.LastProbe?.Error ?? "answered without samples"})" : null;
        }

        string? Moved(string to, DateTimeOffset since, string what, Action<TransitionSnapshot, Stint> done)
        {
            var s = observer.Latest;
            if (s?.ActiveNode != to)
            {
                return $"status.activeNode {to} (now {s?.ActiveNode ?? "none"}, phase {s?.Phase ?? "-"})";
            }

            if (s.LastTransition is not { SwitchMs: not null, Time: { } at } t || t.To != to || at < since - TimeSpan.FromSeconds(1))
            {
                return $"status.lastTransition to {to} with its switch time";
            }

            var stint = reader.FirstStintWithDataSince(since, st => st.Backend is null || st.Backend.StartsWith(to + " ", StringComparison.Ordinal));
            if (stint is null)
            {
                return $"{what}: samples from {to}'s collector through the VIP (last read: {reader.LastProbe?.Error ?? "answered"})";
            }

            done(t, stint);
            return null;
        }

        var steps = new List<DemoStep>();
        if (environment.MqttBroker is { } broker)
        {
            steps.Add(new DemoStep($"subscribe to the pair's samples at the MQTT broker {broker} (QoS 1, persistent session)", TimeSpan.FromSeconds(30),
                async c => subscription = await environment.SubscribeAsync(pair, c.CancellationToken)));
        }

        steps.AddRange(
        [
            new($"apply RedundantPair {pair.Name} ({pair.Mode} standby: primary {primary}, standby {standby}, VIP {route.Name})", TimeSpan.FromSeconds(30),
                c => environment.ApplyPairAsync(pair, c.CancellationToken)),
            new($"wait for the first placement on {primary} and data through the VIP", timings.PlacementTimeout,
                c => c.WaitUntilAsync(Placed, timings.Poll)),
            new($"steady state ({Seconds(timings.SteadyState)} s)", timings.SteadyState + TimeSpan.FromSeconds(10), c => SteadyAsync(c, reader, timings.SteadyState)),
            new($"crash node {primary}", TimeSpan.FromSeconds(30), async c =>
            {
                crashAt = time.GetUtcNow();
                timeline.Add(crashAt, "demo", $"node {primary} crashed: heartbeats stop, its collector process is killed");
                await environment.CrashNodeAsync(primary, c.CancellationToken);
            }),
            new($"wait for the failover to {standby}", timings.FailoverTimeout,
                c => c.WaitUntilAsync(() => Moved(standby, crashAt, "failover", (t, s) => (failoverStatus, failoverStint) = (t, s)), timings.Poll)),
            new($"steady state on {standby} ({Seconds(timings.AfterFailover)} s)", timings.AfterFailover + TimeSpan.FromSeconds(10), c => SteadyAsync(c, reader, timings.AfterFailover)),
            new($"restore node {primary}", TimeSpan.FromSeconds(30), async c =>
            {
                restoreAt = time.GetUtcNow();
                timeline.Add(restoreAt, "demo", $"node {primary} restored: heartbeats resume, its pods start again");
                await environment.RestoreNodeAsync(primary, c.CancellationToken);
            }),
            new($"wait for the automatic fail-back to {primary} (after its {Seconds(pair.FailbackStabilization)} s stabilization window)", pair.FailbackStabilization + timings.FailbackExtraTimeout,
                c => c.WaitUntilAsync(() => Moved(primary, restoreAt, "fail-back", (t, s) => (failbackStatus, failbackStint) = (t, s)), timings.Poll)),
            new($"steady state on {primary} ({Seconds(timings.AfterFailback)} s)", timings.AfterFailback + TimeSpan.FromSeconds(10), c => SteadyAsync(c, reader, timings.AfterFailback)),
            new($"upgrade the collector: change its template (env {TemplateRevision.EnvName}=2)", TimeSpan.FromSeconds(30), async c =>
            {
                upgradeAt = time.GetUtcNow();
                hashBefore = observer.Latest?.Rollout?.TemplateHash;
                timeline.Add(upgradeAt, "demo", $"collector template changed (env {TemplateRevision.EnvName}=2): the operator rolls it, standby first");
                await environment.ChangeCollectorTemplateAsync(pair, "2", c.CancellationToken);
            }),
            new($"wait for the planned switchover to the upgraded {standby}", timings.UpgradeTimeout,
                c => c.WaitUntilAsync(() => Moved(standby, upgradeAt, "upgrade", (t, s) => (upgradeStatus, upgradeStint) = (t, s)), timings.Poll)),
            new($"wait for the upgrade of {primary} and the fail-back to it (after its {Seconds(pair.FailbackStabilization)} s stabilization window)", pair.FailbackStabilization + timings.UpgradeTimeout,
                c => c.WaitUntilAsync(() => Moved(primary, upgradeStatus?.Time ?? upgradeAt, "fail-back after the upgrade", (t, s) => (upgradeFailbackStatus, upgradeFailbackStint) = (t, s)) ?? RolledOut(), timings.Poll)),
            new($"steady state on the upgraded {primary} ({Seconds(timings.AfterFailback)} s)", timings.AfterFailback + TimeSpan.FromSeconds(10), c => SteadyAsync(c, reader, timings.AfterFailback)),
        ]);
        if (deleteAfter)
        {
            steps.Add(new DemoStep($"delete RedundantPair {pair.Name}", timings.DeleteTimeout, c =>
            {
                // Stop reading first: the pair going away is not an outage.
                background.Cancel();
                return environment.DeletePairAsync(pair, c.CancellationToken);
            }));
        }

        IReadOnlyList<ReceivedMessage>? received = null;
        IReadOnlyList<StepResult> results;
        try
        {
            results = await new StepRunner(time, timeline, ui is null ? null : ui.WriteLine).RunAsync(steps, cancellationToken);
        }
        finally
        {
            received = subscription?.Messages;
            if (subscription is not null)
            {
                await subscription.DisposeAsync();
            }
        }

        await background.CancelAsync();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The measurements below use what was collected; say that a monitor stopped early.
            timeline.Add(time.GetUtcNow(), "demo", $"a monitor stopped early: {e.GetType().Name}: {e.Message}");
        }

        ui?.EndStatus();

        var stints = reader.Stints;
        var recorded = new Dictionary<int, int>();
        for (var i = 1; i < stints.Count; i++)
        {
            // What the previous collector had published when the next one started answering (Lease, MQTT subscriber).
            if (NodeOf(stints[i - 1]) is { } previous
                && PublishedBefore.Sequence(observer.LastRecordedBy(previous, stints[i].FirstSampleAt ?? stints[i].StartedAt), received, previous,
                    stints[i - 1].StartedAt, i + 1 < stints.Count ? stints[i + 1].StartedAt : null,
                    reader.Samples.FirstOrDefault(s => s.Stint == stints[i].Id)?.Sequence) is { } seq)
            {
                recorded[stints[i].Id] = seq;
            }
        }

        var notBuffered = observer.NotBufferedAtPromotion();
        var continuity = ContinuityAnalyzer.Analyze(reader.Samples, recorded, notBuffered);
        var outages = OutageAnalyzer.Windows(reader.Probes);
        var transitions = new List<TransitionMeasurement>();
        if (crashAt != default)
        {
            transitions.Add(Measure(TransitionKind.Failover, crashAt, primary, standby, failoverStatus, failoverStint, continuity, outages));
        }

        if (restoreAt != default)
        {
            transitions.Add(Measure(TransitionKind.Failback, restoreAt, standby, primary, failbackStatus, failbackStint, continuity, outages));
        }

        if (upgradeAt != default)
        {
            transitions.Add(Measure(TransitionKind.Upgrade, upgradeAt, primary, standby, upgradeStatus, upgradeStint, continuity, outages));
            if (upgradeStatus?.Time is { } switched)
            {
                transitions.Add(Measure(TransitionKind.Failback, switched, standby, primary, upgradeFailbackStatus, upgradeFailbackStint, continuity, outages) with
                {
                    Trigger = $"upgrade switchover to {standby}",
                });
            }
        }

        SubscriberReport? subscriber = null;
        if (received is not null)
        {
            subscriber = SubscriberAnalyzer.Analyze(received, transitions, notBuffered);
            transitions = [.. transitions.Select((t, i) => t with { AtSubscriber = subscriber.Transitions[i] })];
            AddSubscriberToTimeline(timeline, transitions, subscription!.Name, received);
        }

        AddDataToTimeline(timeline, stints, outages, continuity);
        var failed = results.FirstOrDefault(r => !r.Succeeded) is { } f ? $"step \"{f.Name}\": {f.Error}" : null;
        var predicted = observer.PredictedFailoverMs;
        var creation = new CreationMeasurement(primary, observer.ActivesUntil(crashAt != default ? crashAt : time.GetUtcNow()));
        var verdict = VerdictEvaluator.Evaluate(pair.Mode, pair.Hot, predicted, timings.Reader.Period, transitions, continuity, failed, creation, subscriber, pair.RenewInterval);
        return new ModeResult(pair, origin, results, timeline, transitions, continuity, outages, stints, predicted, verdict, subscriber);
    }

    private static TransitionMeasurement Measure(TransitionKind kind, DateTimeOffset trigger, string from, string to, TransitionSnapshot? status, Stint? stint, ContinuityReport continuity, IReadOnlyList<OutageWindow> outages)
    {
        var firstData = stint?.FirstSampleAt;
        return new TransitionMeasurement
        {
            Kind = kind,
            TriggerAt = trigger,
            From = status?.From ?? from,
            To = status?.To ?? to,
            Reason = status?.Reason,
            DecidedAt = status?.Time,
            OperatorDetectionMs = status?.DetectionMs,
            OperatorSwitchMs = status?.SwitchMs,
            FirstNewSampleAt = firstData,
            VipOutage = firstData is { } end ? OutageAnalyzer.OutageWithin(outages, trigger, end) : TimeSpan.Zero,
            LostAtHandover = stint is null ? 0 : continuity.LostEnteringStint(stint.Id),
            PublishedUnread = stint is null ? 0 : continuity.UnreadEnteringStint(stint.Id),
            Duplicates = stint is null ? 0 : continuity.DuplicatesOfStint(stint.Id),
        };
    }

    private static void AddDataToTimeline(Timeline timeline, IReadOnlyList<Stint> stints, IReadOnlyList<OutageWindow> outages, ContinuityReport continuity)
    {
        foreach (var s in stints)
        {
            timeline.Add(s.StartedAt, "data", $"VIP answered by {s.Backend ?? "an unknown backend"} (stint {s.Id})");
            if (s.FirstSampleAt is { } first && first > s.StartedAt)
            {
                timeline.Add(first, "data", $"first sample from stint {s.Id}");
            }
        }

        foreach (var w in outages)
        {
            timeline.Add(w.Start, "data", $"VIP did not answer for {Math.Round(w.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms{(w.Closed ? "" : " (until the end)")} ({w.FailedReads} reads; {w.FirstError})");
        }

        foreach (var g in continuity.Gaps)
        {
            var why = !g.AtHandover ? "skipped by one collector's polling" : string.Join(", ", HandoverCauses(g));
            timeline.Add(g.ObservedAt, "data", $"{g.Missing} sequence numbers missing between {g.After} and {g.Before} ({why})");
        }

        foreach (var (stint, count) in continuity.DuplicatesByStint)
        {
            if (stints.FirstOrDefault(s => s.Id == stint) is { FirstSampleAt: { } at })
            {
                timeline.Add(at, "data", $"stint {stint} published {count} sequence numbers again (duplicates)");
            }
        }
    }

    private static IEnumerable<string> HandoverCauses(SequenceGap g)
    {
        if (g.PublishedUnread > 0)
        {
            yield return $"{g.PublishedUnread} published by the previous active (recorded in the Lease or received over MQTT) but not read through the VIP before the switch";
        }

        if (g.NotBuffered > 0)
        {
            yield return $"{g.NotBuffered} never read by the new active's standby polls (its promotion gap report)";
        }

        if (g.Lost > 0)
        {
            yield return $"{g.Lost} lost at the handover";
        }
    }

    private static void AddSubscriberToTimeline(Timeline timeline, IReadOnlyList<TransitionMeasurement> transitions, string subscription, IReadOnlyList<ReceivedMessage> received)
    {
        if (received.Count > 0)
        {
            timeline.Add(received[0].ReceivedAt, "mqtt", $"first message at the subscriber ({subscription}) from {received[0].Node ?? "?"}");
        }

        foreach (var t in transitions)
        {
            if (t.AtSubscriber is { FirstNewAt: { } first } s)
            {
                var gap = s.Gap is { } g ? $", {Math.Round(g.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms after {t.From ?? "?"}'s last" : "";
                timeline.Add(first, "mqtt", $"first message from {t.To ?? "?"} at the subscriber{gap}: {s.Received} received, {s.Duplicates} duplicates, {s.Lost} lost until the next change");
            }
        }
    }

    private static string? NodeOf(Stint stint) => stint.Backend is { } b && b.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space ? b[..space] : null;

    private static async Task SteadyAsync(StepContext context, VipSampleReader reader, TimeSpan duration)
    {
        var before = reader.SampleCount;
        await context.DelayAsync(duration);
        if (reader.SampleCount <= before)
        {
            throw new StepFailedException($"no samples arrived through the VIP in {Seconds(duration)} s (last read: {reader.LastProbe?.Error ?? "answered without samples"})");
        }
    }

    private async Task StatusLoopAsync(PairManifest pair, IVipRoute route, VipSampleReader reader, PairObserver observer, long started, CancellationToken ct)
    {
        if (ui is null)
        {
            return;
        }

        try
        {
            while (!ct.IsCancellationRequested)
            {
                var target = route.Current();
                var probe = reader.LastProbe;
                var elapsed = time.GetElapsedTime(started);
                ui.Status(StatusLine.Format(pair.Mode, observer.Latest, target?.Backend ?? target?.Endpoint.ToString(), probe?.Answered ?? false, reader.SampleCount, elapsed),
                    (long)elapsed.TotalMilliseconds);
                await Task.Delay(timings.StatusRefresh, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
