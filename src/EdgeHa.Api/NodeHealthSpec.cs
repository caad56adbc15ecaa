using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>How the operator judges a node's liveness besides its Ready condition.</summary>
public sealed class NodeHealthSpec
{
    /// <summary>Seconds without a renewal of the node's kube-node-lease Lease after which the node counts as failed.</summary>
    [Range(5, 300)]
    [DefaultValue(15)]
    public int NodeLeaseStaleSeconds { get; set; } = 15;
}
