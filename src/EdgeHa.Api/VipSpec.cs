using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using EdgeHa.Api.Schema;

namespace EdgeHa.Api;

/// <summary>A virtual IP: a Service that selects the active collector, announced from the active node by the provider.</summary>
[CelRule("self.provider == 'None' || has(self.address)", "address is required when provider is MetalLB or KubeVip", FieldPath = ".address")]
[CelRule("!has(self.pool) || self.provider == 'MetalLB'", "pool applies only to provider MetalLB", FieldPath = ".pool")]
[CelRule("!has(self.interface) || self.provider == 'KubeVip'", "interface applies only to provider KubeVip", FieldPath = ".interface")]
[CelRule(
    "self.ports.all(p, self.ports.filter(q, q.port == p.port && q.protocol == p.protocol).size() == 1)",
    "ports must not repeat a port and protocol",
    FieldPath = ".ports")]
public sealed class VipSpec
{
    /// <summary>The virtual IPv4 or IPv6 address (a literal, no zone). Required when provider is not None.</summary>
    [MaxLength(45)]
    [RegularExpression(ApiPatterns.IpAddress)]
    public string? Address { get; set; }

    /// <summary>Who announces the address: MetalLB, KubeVip, or None for a plain Service.</summary>
    [DefaultValue(VipProvider.None)]
    public VipProvider Provider { get; set; } = VipProvider.None;

    /// <summary>The Service ports; names are unique.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(16)]
    [ListMapKey("name")]
    public List<VipPort> Ports { get; set; } = [];

    /// <summary>The MetalLB address pool to take the address from (provider MetalLB only).</summary>
    [MaxLength(253)]
    public string? Pool { get; set; }

    /// <summary>The network interface kube-vip announces on (provider KubeVip only).</summary>
    [MaxLength(15)]
    public string? Interface { get; set; }
}
