namespace EdgeHa.Api.Validation;

/// <summary>
/// Applies the defaults the CRD schema cannot express (the API server applies the plain per-field defaults, and the
/// C# property initializers mirror them for objects that never passed through an API server).
/// </summary>
public static class RedundantPairDefaults
{
    /// <summary>The HTTP health-check port used when the spec names no health check.</summary>
    public const int DefaultHealthPort = 8080;

    /// <summary>
    /// Fills in, in place: the sections that are null (health check, failover, fencing, node health, template);
    /// an HTTP health check on port 8080 at /healthz when none of http, tcp or modbus is set; each VIP port's
    /// targetPort from its port. Idempotent.
    /// </summary>
    public static RedundantPairSpec Apply(RedundantPairSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);

        // The fields can be null despite their non-nullable types when the JSON carried an explicit null.
        spec.Template ??= new();
        spec.HealthCheck ??= new();
        spec.Failover ??= new();
        spec.Fencing ??= new();
        spec.NodeHealth ??= new();

        var check = spec.HealthCheck;
        if (check.Http is null && check.Tcp is null && check.Modbus is null)
        {
            check.Http = new HttpHealthCheck { Port = DefaultHealthPort };
        }

        if (check.Http is { } http && string.IsNullOrEmpty(http.Path))
        {
            http.Path = "/healthz";
        }

        if (spec.Vip?.Ports is { } ports)
        {
            foreach (var port in ports)
            {
                port.TargetPort ??= port.Port;
            }
        }

        return spec;
    }
}
