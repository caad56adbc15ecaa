using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kubectl.Tests.Support;

/// <summary>Pairs and statuses with fixed times, for formatter and command tests.</summary>
internal static class Pairs
{
    /// <summary>The clock of the golden tests.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static RedundantPair Pair(string name = "line1-collector", string ns = "default", StandbyMode mode = StandbyMode.Hot) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = Now.AddDays(-2).AddHours(-4) },
        Spec = new RedundantPairSpec
        {
            PrimaryNode = "ipc-a",
            StandbyNode = "ipc-b",
            StandbyMode = mode,
            Template = new JsonObject(),
            Vip = new VipSpec { Address = "192.168.10.50", Provider = VipProvider.MetalLB },
        },
    };

    /// <summary>ipc-b active after a failover from ipc-a, whose collector now fails its probes.</summary>
    public static RedundantPairStatus FailedOver(DateTimeOffset now) => new()
    {
        ObservedGeneration = 3,
        Phase = PairPhase.Degraded,
        ActiveNode = "ipc-b",
        Epoch = 4,
        FailoverCount = 3,
        PredictedFailoverMilliseconds = 3500,
        Nodes =
        [
            new() { Name = "ipc-a", Role = NodeRole.Standby, Ready = true, Healthy = false, ConsecutiveFailures = 7, LastProbeTime = now.AddSeconds(-1), Message = "GET /healthz: connection refused" },
            new() { Name = "ipc-b", Role = NodeRole.Active, Ready = true, Healthy = true, ConsecutiveFailures = 0, LastProbeTime = now.AddMilliseconds(-400), Message = "healthy" },
        ],
        LastTransition = new TransitionStatus
        {
            Time = now.AddMinutes(-5).AddSeconds(-12),
            Reason = "ProbeFailed",
            From = "ipc-a",
            To = "ipc-b",
            DetectionMilliseconds = 3012,
            SwitchMilliseconds = 84,
        },
        Vip = new VipStatus { Address = "192.168.10.50", Provider = VipProvider.MetalLB, AnnouncedBy = "ipc-b" },
        Conditions =
        [
            new() { Type = "Ready", Status = "True", Reason = "ActiveHoldsLease", Message = "ipc-b is active and holds the lease at epoch 4", LastTransitionTime = now.AddMinutes(-5), ObservedGeneration = 3 },
            new() { Type = "Degraded", Status = "True", Reason = "StandbyUnhealthy", Message = "ipc-a fails its health check", LastTransitionTime = now.AddMinutes(-5).AddSeconds(-12), ObservedGeneration = 3 },
            new() { Type = "FailoverInProgress", Status = "False", Reason = "Stable", Message = "no switch in progress", LastTransitionTime = now.AddMinutes(-5), ObservedGeneration = 3 },
        ],
    };

    /// <summary>ipc-a active, both nodes healthy, never failed over.</summary>
    public static RedundantPairStatus Healthy(DateTimeOffset now, string active = "ipc-a") => new()
    {
        ObservedGeneration = 1,
        Phase = PairPhase.Active,
        ActiveNode = active,
        Epoch = 1,
        FailoverCount = 0,
        PredictedFailoverMilliseconds = 3500,
        Nodes =
        [
            new() { Name = "ipc-a", Role = active == "ipc-a" ? NodeRole.Active : NodeRole.Standby, Ready = true, Healthy = true, ConsecutiveFailures = 0, LastProbeTime = now, Message = "healthy" },
            new() { Name = "ipc-b", Role = active == "ipc-b" ? NodeRole.Active : NodeRole.Standby, Ready = true, Healthy = true, ConsecutiveFailures = 0, LastProbeTime = now, Message = "healthy" },
        ],
        Conditions =
        [
            new() { Type = "Ready", Status = "True", Reason = "ActiveHoldsLease", Message = $"{active} is active and holds the lease at epoch 1", LastTransitionTime = now, ObservedGeneration = 1 },
        ],
    };
}
