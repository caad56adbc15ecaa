using EdgeHa.Kube.Models;

namespace EdgeHa.Api;

/// <summary>
/// RedundantPair runs a data collector on two nodes so that exactly one of them acts at a time, fails over
/// when the active side fails, and moves a virtual IP with it.
/// </summary>
public sealed class RedundantPair : KubernetesObject
{
    /// <summary>The API group.</summary>
    public const string Group = "edgeha.io";

    /// <summary>The API version within <see cref="Group"/>.</summary>
    public const string Version = "v1alpha1";

    /// <summary>The value of <c>apiVersion</c>.</summary>
    public const string GroupVersion = Group + "/" + Version;

    /// <summary>The kind.</summary>
    public const string KindName = "RedundantPair";

    /// <summary>The resource name in URLs.</summary>
    public const string Plural = "redundantpairs";

    /// <summary>The short name for kubectl.</summary>
    public const string ShortName = "rp";

    /// <summary>The annotation that requests a manual switchover to the named node.</summary>
    public const string SwitchoverAnnotation = "edgeha.io/switchover-to";

    /// <summary>With a switchover request ("true"): switch even to a target that does not look able to serve.</summary>
    public const string SwitchoverForceAnnotation = "edgeha.io/switchover-force";

    /// <summary>
    /// The operator's note that it acted on spec.failover.switchoverTo ("spec/NODE"); a spec request already handled
    /// is not acted on again, so a new request for the same node removes the note.
    /// </summary>
    public const string SwitchoverHandledAnnotation = "edgeha.io/switchover-handled";

    /// <summary>Creates an empty pair with apiVersion and kind set.</summary>
    public RedundantPair()
    {
        ApiVersion = GroupVersion;
        Kind = KindName;
    }

    /// <summary>The desired state: the two nodes, the collector, its health check and the failover policy.</summary>
    public RedundantPairSpec Spec { get; set; } = new();

    /// <summary>The observed state, written by the operator through the status subresource.</summary>
    public RedundantPairStatus? Status { get; set; }
}
