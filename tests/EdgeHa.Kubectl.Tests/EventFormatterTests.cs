using System.Text.Json;
using EdgeHa.Kube.Models;
using EdgeHa.Kubectl.Output;
using EdgeHa.Kubectl.Tests.Support;

namespace EdgeHa.Kubectl.Tests;

public sealed class EventFormatterTests
{
    internal static Event Make(string name, string kind, string obj, string reason, string note, DateTimeOffset time, string type = "Normal", string ns = "default") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        EventTime = time,
        Type = type,
        Reason = reason,
        Note = note,
        Action = reason,
        ReportingController = "edgeha.io/operator",
        ReportingInstance = "edgeha-operator-0",
        Regarding = new ObjectReference { Kind = kind, Name = obj, Namespace = ns, ApiVersion = kind == "RedundantPair" ? "edgeha.io/v1alpha1" : "apps/v1" },
    };

    [Fact]
    public void Write_Events_OldestFirstGolden()
    {
        var now = Pairs.Now;
        var repeated = Make("e3", "RedundantPair", "line1", "ProbeFailed", "ipc-a: GET /healthz: connection refused", now.AddMinutes(-10), "Warning");
        repeated.Series = new EventSeries { Count = 4, LastObservedTime = now.AddSeconds(-30) };
        Event[] events =
        [
            repeated,
            Make("e2", "Deployment", "line1-ipc-b", "ScaledUp", "scaled to 1", now.AddMinutes(-5)),
            Make("e1", "RedundantPair", "line1", "Failover", "ipc-a -> ipc-b: ProbeFailed (detection 3.012s, switch 84ms)", now.AddMinutes(-5).AddSeconds(-1), "Warning"),
        ];
        var w = new StringWriter { NewLine = "\n" };

        EventFormatter.Write(w, events, now, withNamespace: false);

        Assert.Equal(
            "LAST SEEN           TYPE      REASON        OBJECT                   MESSAGE\n" +
            "5m1s                Warning   Failover      RedundantPair/line1      ipc-a -> ipc-b: ProbeFailed (detection 3.012s, switch 84ms)\n" +
            "5m                  Normal    ScaledUp      Deployment/line1-ipc-b   scaled to 1\n" +
            "30s (x4 over 10m)   Warning   ProbeFailed   RedundantPair/line1      ipc-a: GET /healthz: connection refused\n",
            w.ToString());
    }

    [Fact]
    public void Cells_WithNamespace_NamespaceFirst()
    {
        var e = Make("e1", "RedundantPair", "line1", "Paused", "paused", Pairs.Now.AddSeconds(-3), ns: "plant");

        Assert.Equal(["plant", "3s", "Normal", "Paused", "RedundantPair/line1", "paused"], EventFormatter.Cells(e, Pairs.Now, withNamespace: true).Select(c => c ?? "<null>"));
    }

    [Fact]
    public void LastSeen_CoreV1Event_UsesDeprecatedTimestamps()
    {
        var e = new Event
        {
            Metadata = new ObjectMeta { Name = "x", CreationTimestamp = Pairs.Now.AddHours(-1) },
            Extra = new Dictionary<string, JsonElement>
            {
                ["deprecatedLastTimestamp"] = JsonSerializer.SerializeToElement("2026-03-01T11:59:00Z"),
                ["deprecatedFirstTimestamp"] = JsonSerializer.SerializeToElement("2026-03-01T11:00:00Z"),
                ["deprecatedCount"] = JsonSerializer.SerializeToElement(2),
            },
        };

        Assert.Equal(Pairs.Now.AddMinutes(-1), EventFormatter.LastSeen(e));
        Assert.Equal("60s (x2 over 60m)", EventFormatter.Cells(e, Pairs.Now, withNamespace: false)[0]);
    }
}
