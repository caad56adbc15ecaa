namespace EdgeHa.Operator.Reconciliation;

/// <summary>The labels, annotations and names the operator puts on what it creates.</summary>
public static class PairLabels
{
    /// <summary>The pair an object belongs to (Deployments, pods, the pair Lease, Services).</summary>
    public const string Pair = "edgeha.io/pair";

    /// <summary>The node a Deployment and its pods are pinned to.</summary>
    public const string Node = "edgeha.io/node";

    /// <summary>The pod's role: active or standby. Patched onto pods (never the template, which would restart them).</summary>
    public const string Role = "edgeha.io/role";

    /// <summary>The epoch the pod was promoted under (on pods).</summary>
    public const string Epoch = "edgeha.io/epoch";

    /// <summary>Marks the simulator's Deployment and pods.</summary>
    public const string Component = "edgeha.io/component";

    public const string RoleActive = "active";
    public const string RoleStandby = "standby";

    /// <summary>The finalizer that lets the operator clean up before a pair goes.</summary>
    public const string Finalizer = "edgeha.io/finalizer";

    /// <summary>The node label the Deployments are pinned with.</summary>
    public const string Hostname = "kubernetes.io/hostname";

    /// <summary>The namespace of the node Leases.</summary>
    public const string NodeLeaseNamespace = "kube-node-lease";

    public static string DeploymentName(string pair, string node) => $"{pair}-{node}";

    public static string LeaseName(string pair) => $"{pair}-active";

    public static string VipServiceName(string pair) => $"{pair}-vip";

    public static string SimulatorName(string pair) => $"{pair}-simulator";
}
