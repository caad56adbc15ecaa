using System.Text.Json;
using EdgeHa.Api;
using EdgeHa.Kubectl.Output;
using EdgeHa.Kubectl.Tests.Support;

namespace EdgeHa.Kubectl.Tests;

public sealed class StatusFormatterTests
{
    [Fact]
    public void WriteDetail_FailedOverPair_GoldenText()
    {
        var pair = Pairs.Pair();
        pair.Status = Pairs.FailedOver(Pairs.Now);

        var text = Render(w => StatusFormatter.WriteDetail(w, PairSummary.From(pair), Pairs.Now));

        Assert.Equal(GoldenDetail, text);
    }

    [Fact]
    public void WriteDetail_RolloutInProgress_SaysWhatItWaitsFor()
    {
        var pair = Pairs.Pair();
        pair.Status = Pairs.FailedOver(Pairs.Now);
        pair.Status.Rollout = new RolloutStatus { TemplateHash = "5d0ef927", Phase = "Progressing", UpdatedNodes = ["ipc-a"], Message = "switching over to the upgraded ipc-a" };

        var text = Render(w => StatusFormatter.WriteDetail(w, PairSummary.From(pair), Pairs.Now));

        Assert.Contains("Collector rollout:   Progressing (template 5d0ef927; updated: ipc-a): switching over to the upgraded ipc-a\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteDetail_StandbyCrashLooping_ShowsItsRestartsAndWhy()
    {
        var pair = Pairs.Pair();
        pair.Status = Pairs.FailedOver(Pairs.Now);
        var standby = pair.Status.Nodes!.Single(n => n.Name == "ipc-a");
        standby.RestartCount = 7;
        standby.Reason = "CrashLoopBackOff";
        standby.Message = "CrashLoopBackOff: container collector exited with code 1, restarted 7 times; back-off 40s restarting failed container=collector";
        pair.Status.Nodes!.Single(n => n.Name == "ipc-b").RestartCount = 0;

        var text = Render(w => StatusFormatter.WriteDetail(w, PairSummary.From(pair), Pairs.Now));

        Assert.Contains(
            "  NODE    ROLE      READY   HEALTHY   FAILURES   RESTARTS   LAST PROBE   MESSAGE\n" +
            "  ipc-a   Standby   True    False     7          7          1s ago       CrashLoopBackOff: container collector exited with code 1, restarted 7 times; back-off 40s restarting failed container=collector\n" +
            "  ipc-b   Active    True    True      0          0          0s ago       healthy\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void WriteDetail_NoStatusYet_SaysSo()
    {
        var pair = Pairs.Pair(mode: StandbyMode.Cold);
        pair.Spec.Vip = null;
        pair.Spec.Paused = true;
        pair.Spec.Failover.SwitchoverTo = "ipc-b";

        var text = Render(w => StatusFormatter.WriteDetail(w, PairSummary.From(pair), Pairs.Now));

        Assert.Equal(GoldenNoStatus, text);
    }

    [Fact]
    public void WriteTable_TwoNamespaces_GoldenText()
    {
        var a = Pairs.Pair("line1-collector", "plant-a");
        a.Status = Pairs.FailedOver(Pairs.Now);
        var b = Pairs.Pair("line2", "plant-b", StandbyMode.Cold);
        b.Spec.Paused = true;
        b.Spec.Vip = null;
        b.Status = Pairs.Healthy(Pairs.Now.AddHours(-1));
        var c = Pairs.Pair("fresh", "plant-a");

        var text = Render(w => StatusFormatter.WriteTable(w, [PairSummary.From(b), PairSummary.From(a), PairSummary.From(c)], withNamespace: true, Pairs.Now));

        Assert.Equal(GoldenTable, text);
    }

    [Fact]
    public void WriteJson_OnePair_StableFieldsAndRfc3339Times()
    {
        var pair = Pairs.Pair();
        pair.Status = Pairs.FailedOver(Pairs.Now);

        var json = JsonDocument.Parse(Render(w => StatusFormatter.WriteJson(w, PairSummary.From(pair)))).RootElement;

        Assert.Equal("line1-collector", json.GetProperty("name").GetString());
        Assert.Equal("ipc-b", json.GetProperty("activeNode").GetString());
        Assert.Equal("Degraded", json.GetProperty("phase").GetString());
        Assert.Equal(4, json.GetProperty("epoch").GetInt64());
        Assert.Equal(7, json.GetProperty("nodes")[0].GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal("ipc-b", json.GetProperty("vip").GetProperty("announcedBy").GetString());
        Assert.Equal(3012, json.GetProperty("lastFailover").GetProperty("detectionMilliseconds").GetInt64());
        Assert.Equal("2026-03-01T11:54:48.000000Z", json.GetProperty("lastFailover").GetProperty("time").GetString());
        Assert.Equal(3500, json.GetProperty("predictedFailoverMilliseconds").GetInt64());
        Assert.Equal(3, json.GetProperty("conditions").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("switchoverRequestedTo").ValueKind);
    }

    [Fact]
    public void WriteJson_List_ItemsSorted()
    {
        var json = JsonDocument.Parse(Render(w => StatusFormatter.WriteJson(w, [PairSummary.From(Pairs.Pair("b")), PairSummary.From(Pairs.Pair("a"))]))).RootElement;

        Assert.Equal(["a", "b"], json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    private static string Render(Action<TextWriter> write)
    {
        var w = new StringWriter { NewLine = "\n" };
        write(w);
        return w.ToString();
    }

    private const string GoldenDetail =
        "Name:                line1-collector\n" +
        "Namespace:           default\n" +
        "Phase:               Degraded\n" +
        "Active node:         ipc-b\n" +
        "Epoch:               4\n" +
        "Primary node:        ipc-a\n" +
        "Standby node:        ipc-b\n" +
        "Standby mode:        Hot\n" +
        "Failback:            Automatic\n" +
        "Paused:              false\n" +
        "Age:                 2d4h\n" +
        "Nodes:\n" +
        "  NODE    ROLE      READY   HEALTHY   FAILURES   RESTARTS   LAST PROBE   MESSAGE\n" +
        "  ipc-a   Standby   True    False     7          -          1s ago       GET /healthz: connection refused\n" +
        "  ipc-b   Active    True    True      0          -          0s ago       healthy\n" +
        "VIP:                 192.168.10.50 (MetalLB), announced by ipc-b\n" +
        "Last failover:       5m12s ago\n" +
        "  Reason:            ProbeFailed\n" +
        "  From:              ipc-a\n" +
        "  To:                ipc-b\n" +
        "  Detection:         3.012s\n" +
        "  Switch:            84ms\n" +
        "Failover count:      3\n" +
        "Predicted failover:  3.5s\n" +
        "Conditions:\n" +
        "  TYPE                 STATUS   REASON             AGE     MESSAGE\n" +
        "  Ready                True     ActiveHoldsLease   5m      ipc-b is active and holds the lease at epoch 4\n" +
        "  Degraded             True     StandbyUnhealthy   5m12s   ipc-a fails its health check\n" +
        "  FailoverInProgress   False    Stable             5m      no switch in progress\n";
    private const string GoldenNoStatus =
        "Name:                line1-collector\n" +
        "Namespace:           default\n" +
        "Phase:               Unknown (the operator has not reported a status yet)\n" +
        "Active node:         none\n" +
        "Epoch:               -\n" +
        "Primary node:        ipc-a\n" +
        "Standby node:        ipc-b\n" +
        "Standby mode:        Cold\n" +
        "Failback:            Automatic\n" +
        "Paused:              true (no automatic action; kubectl edgeha resume line1-collector)\n" +
        "Age:                 2d4h\n" +
        "Nodes:\n" +
        "  NODE    ROLE   READY     HEALTHY   FAILURES   RESTARTS   LAST PROBE   MESSAGE\n" +
        "  ipc-a   -      Unknown   Unknown   -          -          -\n" +
        "  ipc-b   -      Unknown   Unknown   -          -          -\n" +
        "VIP:                 none\n" +
        "Last failover:       none\n" +
        "Failover count:      0\n" +
        "Predicted failover:  -\n" +
        "Switchover:          to ipc-b requested, not yet acknowledged by the operator\n" +
        "Conditions:          none reported\n";
    private const string GoldenTable =
        "NAMESPACE   NAME              PHASE      ACTIVE   PRIMARY   STANDBY   MODE          VIP             READY   EPOCH   FAILOVERS   LAST FAILOVER           AGE\n" +
        "plant-a     fresh             -          -        ipc-a     ipc-b     Hot           192.168.10.50   -       -       0           -                       2d4h\n" +
        "plant-a     line1-collector   Degraded   ipc-b    ipc-a     ipc-b     Hot           192.168.10.50   True    4       3           ProbeFailed 5m12s ago   2d4h\n" +
        "plant-b     line2             Active     ipc-a    ipc-a     ipc-b     Cold,Paused   -               True    1       0           -                       2d4h\n";
}
