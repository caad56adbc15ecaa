using EdgeHa.Kube.Config;

namespace EdgeHa.Operator.Hosting;

/// <summary>How the operator runs: where the API is, leader election, the HTTP endpoints and the watched namespace.</summary>
public sealed class OperatorOptions
{
    /// <summary>A kubeconfig file; null: KUBECONFIG, ~/.kube/config, then the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>A ready configuration (tests); wins over <see cref="Kubeconfig"/>.</summary>
    public k8s.KubernetesClientConfiguration? ClientConfiguration { get; set; }

    /// <summary>The API client's time limit per request and retry policy; null: <see cref="KubeClientOptions"/>'s defaults.</summary>
    public KubeClientOptions? ClientOptions { get; set; }

    /// <summary>Run leader election so only one replica reconciles.</summary>
    public bool LeaderElect { get; set; }

    /// <summary>The leader election Lease's name.</summary>
    public string LeaderElectionId { get; set; } = "edgeha-operator-leader";

    /// <summary>The leader election Lease's namespace; default: the watched namespace, else the client's default namespace.</summary>
    public string? LeaderElectionNamespace { get; set; }

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(4);

    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Where /healthz and /readyz are served ("host:port", ":port"; "0" disables).</summary>
    public string HealthProbeBindAddress { get; set; } = ":8081";

    /// <summary>Where /metrics is served ("host:port", ":port"; "0" disables).</summary>
    public string MetricsBindAddress { get; set; } = ":8080";

    /// <summary>The namespace to watch; null or empty: all namespaces.</summary>
    public string? Namespace { get; set; }

    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>This replica's identity for leader election and Events (POD_NAME, else host name plus a unique suffix).</summary>
    public string Identity { get; set; } = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod
        ? pod
        : $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// How many pairs are reconciled at once (never one pair twice). A reconcile mostly waits on the API server (a new
    /// pair's first one makes about seven writes in a row), so workers, not CPU, bound the throughput: creating 1,000
    /// pairs on the sandbox, 4 workers placed 1 pair in 150 s (6.5 reconciles/s) and 16 placed all in 61 s (84.6/s).
    /// </summary>
    public int MaxConcurrentReconciles { get; set; } = 16;

    /// <summary>The collector's HTTP port the end-to-end data check asks for /samples (the reference collector's 8080).</summary>
    public int CollectorHttpPort { get; set; } = 8080;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Every problem with the settings, naming the flag (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (flag, value) in new[] { ("--health-probe-bind-address", HealthProbeBindAddress), ("--metrics-bind-address", MetricsBindAddress) })
        {
            if (!BindAddress.TryParse(value, out _))
            {
                errors.Add($"{flag}: '{value}' is not host:port, :port or 0");
            }
        }

        if (MaxConcurrentReconciles < 1)
        {
            errors.Add("max concurrent reconciles must be at least 1");
        }

        if (LeaderElect)
        {
            var le = new Controller.LeaderElection.LeaderElectionOptions
            {
                Name = LeaderElectionId,
                Identity = Identity,
                LeaseDuration = LeaseDuration,
                RenewDeadline = RenewDeadline,
                RetryPeriod = RetryPeriod,
            };
            errors.AddRange(le.GetValidationErrors().Select(e => e
                .Replace("leaseDuration", "--leader-elect-lease-duration", StringComparison.Ordinal)
                .Replace("renewDeadline", "--leader-elect-renew-deadline", StringComparison.Ordinal)
                .Replace("retryPeriod", "--leader-elect-retry-period", StringComparison.Ordinal)));
        }

        return errors;
    }
}
