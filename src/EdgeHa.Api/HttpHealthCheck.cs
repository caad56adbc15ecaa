using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>An HTTP GET health check against the collector pod.</summary>
public sealed class HttpHealthCheck
{
    /// <summary>The pod's port to probe.</summary>
    [Required]
    [Range(1, 65535)]
    public int Port { get; set; }

    /// <summary>The request path; must start with a slash.</summary>
    [DefaultValue("/healthz")]
    [MaxLength(1024)]
    [RegularExpression(ApiPatterns.HttpPath)]
    public string Path { get; set; } = "/healthz";

    /// <summary>HTTP or HTTPS.</summary>
    [DefaultValue(HttpScheme.HTTP)]
    public HttpScheme Scheme { get; set; } = HttpScheme.HTTP;
}
