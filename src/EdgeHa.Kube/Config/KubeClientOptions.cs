namespace EdgeHa.Kube.Config;

/// <summary>
/// How patient a <see cref="KubernetesClient"/> is: what the official client's configuration does not say. Each
/// program picks its own: a fencing renewal fails fast with no retry, a person at kubectl waits seconds, the operator
/// retries for longer.
/// </summary>
public sealed record KubeClientOptions
{
    /// <summary>The time limit of each request attempt (for a watch: until the response headers arrive).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public KubeRetryPolicy Retry { get; init; } = new();
}
