using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>A TCP connect health check: healthy when the connection opens within the timeout.</summary>
public sealed class TcpHealthCheck
{
    /// <summary>The pod's port to connect to.</summary>
    [Required]
    [Range(1, 65535)]
    public int Port { get; set; }
}
