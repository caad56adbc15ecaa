using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>
/// The API server answered with an error. <see cref="Status"/> is the server's Status body when it sent one
/// (synthesised from the HTTP code otherwise). Subclasses name the cases callers act on.
/// </summary>
public class KubernetesApiException : Exception
{
    public KubernetesApiException(Status status, Exception? inner = null)
        : base(BuildMessage(status), inner)
    {
        Status = status;
    }

    /// <summary>The Status body.</summary>
    public Status Status { get; }

    /// <summary>The HTTP status code.</summary>
    public int Code => Status.Code;

    /// <summary>The Status reason (NotFound, Conflict, Expired, ...), or null when the server gave none.</summary>
    public string? Reason => Status.Reason;

    /// <summary>How long the server asked us to wait before retrying, when it said (Retry-After or details.retryAfterSeconds).</summary>
    public TimeSpan? RetryAfter { get; init; }

    private static string BuildMessage(Status status)
    {
        var reason = string.IsNullOrEmpty(status.Reason) ? "" : $" {status.Reason}";
        var message = string.IsNullOrEmpty(status.Message) ? "" : $": {status.Message}";
        return $"Kubernetes API error {status.Code}{reason}{message}";
    }
}
