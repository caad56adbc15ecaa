using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>One port of the VIP Service.</summary>
public sealed class VipPort
{
    /// <summary>The port's name, a DNS-1123 label (for example modbus).</summary>
    [Required]
    [MaxLength(63)]
    [RegularExpression(ApiPatterns.Dns1123Label)]
    public string Name { get; set; } = "";

    /// <summary>The port the VIP listens on.</summary>
    [Required]
    [Range(1, 65535)]
    public int Port { get; set; }

    /// <summary>The collector container's port traffic goes to; defaults to port.</summary>
    [Range(1, 65535)]
    public int? TargetPort { get; set; }

    /// <summary>TCP or UDP.</summary>
    [DefaultValue(PortProtocol.TCP)]
    public PortProtocol Protocol { get; set; } = PortProtocol.TCP;
}
