using EdgeHa.Api;
using EdgeHa.Kube;
using EdgeHa.Kubectl.Commands;
using EdgeHa.Kubectl.Tests.Support;

namespace EdgeHa.Kubectl.Tests;

/// <summary>The checks and the patch of a switchover, and the whole command against the sandbox API server.</summary>
[Collection(SandboxCollection.Name)]
public sealed class SwitchoverCommandTests(SandboxFixture sandbox)
{
    private const string Ns = "switchover-tests";

    [Fact]
    public void Problems_HealthyHotTarget_None()
    {
        var pair = Pairs.Pair();
        pair.Status = Pairs.Healthy(Pairs.Now);

        Assert.Empty(SwitchoverCommand.Problems(pair, "ipc-b"));
    }

    [Fact]
    public void Problems_UnhealthyHotTarget_SaysFailuresAndMessage()
    {
        var pair = Pairs.Pair();
        pair.Status = Pairs.FailedOver(Pairs.Now);

        Assert.Equal(["ipc-a is unhealthy: 7 consecutive failed probes (GET /healthz: connection refused)"], SwitchoverCommand.Problems(pair, "ipc-a"));
    }

    [Fact]
    public void Problems_UnhealthyColdTarget_NoneBecauseColdRunsNoCollector()
    {
        var pair = Pairs.Pair(mode: StandbyMode.Cold);
        pair.Status = Pairs.FailedOver(Pairs.Now);

        Assert.Empty(SwitchoverCommand.Problems(pair, "ipc-a"));
    }

    [Fact]
    public void Problems_NotReadyPausedTarget_BothReported()
    {
        var pair = Pairs.Pair();
        pair.Spec.Paused = true;
        pair.Status = Pairs.Healthy(Pairs.Now);
        pair.Status.Nodes![1].Ready = false;
        pair.Status.Nodes[1].Message = "node lease expired 12s ago";

        Assert.Equal(
            ["the pair is paused, so the operator acts on no request until: kubectl edgeha resume line1-collector", "ipc-b is not ready (node lease expired 12s ago)"],
            SwitchoverCommand.Problems(pair, "ipc-b"));
    }

    [Fact]
    public void Problems_NoStatus_HealthUnknown()
    {
        Assert.Equal(["the status reports no health for ipc-b yet"], SwitchoverCommand.Problems(Pairs.Pair(), "ipc-b"));
    }

    [Fact]
    public void RequestPatch_Plain_OnlySpecField()
    {
        Assert.Equal("""{"spec":{"failover":{"switchoverTo":"ipc-b"}}}""", SwitchoverCommand.RequestPatch(Pairs.Pair(), "ipc-b", force: false).ToJsonString());
    }

    [Fact]
    public void RequestPatch_Force_SetsAnnotation()
    {
        Assert.Equal(
            """{"spec":{"failover":{"switchoverTo":"ipc-b"}},"metadata":{"annotations":{"edgeha.io/switchover-force":"true"}}}""",
            SwitchoverCommand.RequestPatch(Pairs.Pair(), "ipc-b", force: true).ToJsonString());
    }

    [Fact]
    public void RequestPatch_StaleForceAndContradictingAnnotation_Removed()
    {
        var pair = Pairs.Pair();
        pair.Metadata.Annotations = new Dictionary<string, string>
        {
            ["edgeha.io/switchover-force"] = "true",
            ["edgeha.io/switchover-to"] = "ipc-a",
            ["edgeha.io/switchover-handled"] = "spec/ipc-b",
        };

        Assert.Equal(
            """{"spec":{"failover":{"switchoverTo":"ipc-b"}},"metadata":{"annotations":{"edgeha.io/switchover-force":null,"edgeha.io/switchover-handled":null,"edgeha.io/switchover-to":null}}}""",
            SwitchoverCommand.RequestPatch(pair, "ipc-b", force: false).ToJsonString());
    }

    [Fact]
    public async Task Switchover_NodeNotInPair_RefusedUnchanged()
    {
        await sandbox.CreatePairAsync(Ns, "unknown-node");
        await sandbox.WriteStatusAsync(Ns, "unknown-node", Pairs.Healthy(DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(["switchover", "unknown-node", "--to", "ipc-z", "-n", Ns, "--force"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: \"ipc-z\" is not a node of redundantpair switchover-tests/unknown-node: use --to ipc-a (primary) or --to ipc-b (standby)\n", result.Stderr);
        Assert.Null((await sandbox.GetPairAsync(Ns, "unknown-node")).Spec.Failover.SwitchoverTo);
    }

    [Fact]
    public async Task Switchover_AlreadyActive_RefusedUnchanged()
    {
        await sandbox.CreatePairAsync(Ns, "already");
        await sandbox.WriteStatusAsync(Ns, "already", Pairs.Healthy(DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(["switchover", "already", "--to", "ipc-a", "-n", Ns]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: ipc-a is already the active node of redundantpair switchover-tests/already; nothing to do\n", result.Stderr);
        Assert.Null((await sandbox.GetPairAsync(Ns, "already")).Spec.Failover.SwitchoverTo);
    }

    [Fact]
    public async Task Switchover_UnhealthyTarget_RefusedWithoutForce()
    {
        await sandbox.CreatePairAsync(Ns, "unhealthy");
        await sandbox.WriteStatusAsync(Ns, "unhealthy", Pairs.FailedOver(DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(["switchover", "unhealthy", "--to", "ipc-a", "-n", Ns]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "error: refusing to switch redundantpair switchover-tests/unhealthy to ipc-a: ipc-a is unhealthy: 7 consecutive failed probes "
            + "(GET /healthz: connection refused). Fix that first (see: kubectl edgeha status unhealthy), or repeat with --force to switch anyway\n",
            result.Stderr);
        var pair = await sandbox.GetPairAsync(Ns, "unhealthy");
        Assert.Null(pair.Spec.Failover.SwitchoverTo);
        Assert.Null(pair.Metadata.Annotations);
    }

    [Fact]
    public async Task Switchover_UnhealthyTargetForced_PatchedWithAnnotation()
    {
        await sandbox.CreatePairAsync(Ns, "forced");
        await sandbox.WriteStatusAsync(Ns, "forced", Pairs.FailedOver(DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(["switchover", "forced", "--to", "ipc-a", "--force", "-n", Ns]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("warning: forcing the switchover although ipc-a is unhealthy: 7 consecutive failed probes (GET /healthz: connection refused)\n", result.Stderr);
        Assert.StartsWith("redundantpair.edgeha.io/forced switchover to ipc-a requested (forced)\n", result.Stdout, StringComparison.Ordinal);
        var pair = await sandbox.GetPairAsync(Ns, "forced");
        Assert.Equal("ipc-a", pair.Spec.Failover.SwitchoverTo);
        Assert.Equal("true", pair.Metadata.Annotations?["edgeha.io/switchover-force"]);
    }

    [Fact]
    public async Task Switchover_HealthyTarget_SpecFieldSetOnce()
    {
        var created = await sandbox.CreatePairAsync(Ns, "healthy");
        await sandbox.WriteStatusAsync(Ns, "healthy", Pairs.Healthy(DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(["switchover", "healthy", "--to", "ipc-b", "-n", Ns]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Equal("redundantpair.edgeha.io/healthy switchover to ipc-b requested\nFollow it with: kubectl edgeha status healthy -n switchover-tests\n", result.Stdout);
        var pair = await sandbox.GetPairAsync(Ns, "healthy");
        Assert.Equal("ipc-b", pair.Spec.Failover.SwitchoverTo);
        Assert.Equal(created.Metadata.Generation + 1, pair.Metadata.Generation);
        Assert.False(pair.Metadata.Annotations?.ContainsKey("edgeha.io/switchover-force") ?? false);
    }

    [Fact]
    public async Task Switchover_SameTargetAfterHandled_HandledNoteRemoved()
    {
        await sandbox.CreatePairAsync(Ns, "again", p => p.Spec.Failover.SwitchoverTo = "ipc-b");
        await sandbox.WriteStatusAsync(Ns, "again", Pairs.Healthy(DateTimeOffset.UtcNow));
        // The operator acted on the first request and noted it.
        await sandbox.Client.PatchAsync<RedundantPair>(PairTypes.Pair, Ns, "again", KubePatch.Merge("""{"metadata":{"annotations":{"edgeha.io/switchover-handled":"spec/ipc-b"}}}"""));

        var result = await sandbox.RunAsync(["switchover", "again", "--to", "ipc-b", "-n", Ns]);

        Assert.Equal(0, result.ExitCode);
        var pair = await sandbox.GetPairAsync(Ns, "again");
        Assert.Equal("ipc-b", pair.Spec.Failover.SwitchoverTo);
        Assert.False(pair.Metadata.Annotations?.ContainsKey("edgeha.io/switchover-handled") ?? false, "a repeated request must not look handled to the operator");
    }

    [Fact]
    public async Task Switchover_WaitUntilActive_ReportsEpochAndSwitch()
    {
        await sandbox.CreatePairAsync(Ns, "waited");
        await sandbox.WriteStatusAsync(Ns, "waited", Pairs.Healthy(DateTimeOffset.UtcNow));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var operatorStandIn = ActAsOperatorAsync("waited", "ipc-b", accept: true, cts.Token);

        var result = await sandbox.RunAsync(["switchover", "waited", "--to", "ipc-b", "-n", Ns, "--wait", "--timeout", "15s"], cancellationToken: cts.Token);
        await operatorStandIn;

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^redundantpair\.edgeha\.io/waited switchover to ipc-b requested\nipc-b is active in redundantpair switchover-tests/waited at epoch 2, [0-9.]+m?s after the request \(reason SwitchoverRequested, switch 40ms\)\n$", result.Stdout);
    }

    [Fact]
    public async Task Switchover_WaitOperatorRejects_ExitOneWithResult()
    {
        await sandbox.CreatePairAsync(Ns, "rejected");
        await sandbox.WriteStatusAsync(Ns, "rejected", Pairs.Healthy(DateTimeOffset.UtcNow));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var operatorStandIn = ActAsOperatorAsync("rejected", "ipc-b", accept: false, cts.Token);

        var result = await sandbox.RunAsync(["switchover", "rejected", "--to", "ipc-b", "-n", Ns, "--wait"], cancellationToken: cts.Token);
        await operatorStandIn;

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: the operator did not switch redundantpair switchover-tests/rejected to ipc-b: TargetNotEligible. See why with: kubectl edgeha events rejected -n switchover-tests\n", result.Stderr);
    }

    [Fact]
    public async Task Switchover_WaitNoOperator_TimesOut()
    {
        await sandbox.CreatePairAsync(Ns, "nobody");
        await sandbox.WriteStatusAsync(Ns, "nobody", Pairs.Healthy(DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(["switchover", "nobody", "--to", "ipc-b", "-n", Ns, "--wait", "--timeout", "600ms"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "error: timed out after 600ms waiting for ipc-b to become active in redundantpair switchover-tests/nobody (active: ipc-a, phase: Active). "
            + "The request stays in spec.failover.switchoverTo; check: kubectl edgeha status nobody -n switchover-tests\n",
            result.Stderr);
        Assert.Equal("ipc-b", (await sandbox.GetPairAsync(Ns, "nobody")).Spec.Failover.SwitchoverTo);
    }

    // Plays the operator: waits for the request in the spec, then acknowledges it (and switches when accepting).
    private async Task ActAsOperatorAsync(string name, string to, bool accept, CancellationToken cancellationToken)
    {
        while ((await sandbox.GetPairAsync(Ns, name)).Spec.Failover.SwitchoverTo != to)
        {
            await Task.Delay(25, cancellationToken);
        }

        var now = DateTimeOffset.UtcNow;
        var status = Pairs.Healthy(now, active: accept ? to : "ipc-a");
        status.Switchover = new SwitchoverStatus { RequestedTo = to, AcknowledgedAt = now, Result = accept ? "Started" : "TargetNotEligible" };
        if (accept)
        {
            status.Epoch = 2;
            status.FailoverCount = 1;
            status.LastTransition = new TransitionStatus { Time = now, Reason = "SwitchoverRequested", From = "ipc-a", To = to, DetectionMilliseconds = 0, SwitchMilliseconds = 40 };
        }

        await sandbox.WriteStatusAsync(Ns, name, status);
    }
}
