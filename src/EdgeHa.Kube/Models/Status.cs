using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>metav1.Status: the body of every API error and of some successful deletes.</summary>
public sealed class Status
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Status";

    /// <summary>"Success" or "Failure".</summary>
    [JsonPropertyName("status")]
    public string? Outcome { get; set; }

    public string? Message { get; set; }

    /// <summary>A machine-readable reason: NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Unauthorized, Expired, Gone, TooManyRequests, ...</summary>
    public string? Reason { get; set; }

    public StatusDetails? Details { get; set; }

    /// <summary>The HTTP status code of the answer.</summary>
    public int Code { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>metav1.StatusDetails.</summary>
public sealed class StatusDetails
{
    public string? Name { get; set; }

    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string? Uid { get; set; }

    public IList<StatusCause>? Causes { get; set; }

    public int? RetryAfterSeconds { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>metav1.StatusCause: one reason a request was invalid, naming the field.</summary>
public sealed class StatusCause
{
    /// <summary>FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, ...</summary>
    public string? Reason { get; set; }

    public string? Message { get; set; }

    /// <summary>The field path, for example spec.replicas.</summary>
    public string? Field { get; set; }
}
