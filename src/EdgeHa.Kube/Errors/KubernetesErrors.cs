using System.Text.Json;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube;

/// <summary>Maps an API answer (HTTP code + Status body) to the typed exception callers catch.</summary>
public static class KubernetesErrors
{
    /// <summary>The typed exception for a Status. The reason decides where the code is ambiguous (409, 410/Expired).</summary>
    public static KubernetesApiException FromStatus(Status status, TimeSpan? retryAfter = null, Exception? inner = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        retryAfter ??= status.Details?.RetryAfterSeconds is int s and > 0 ? TimeSpan.FromSeconds(s) : null;
        KubernetesApiException ex = (status.Code, status.Reason) switch
        {
            (_, "Expired") or (410, _) => new GoneException(status, inner),
            (409, "AlreadyExists") => new AlreadyExistsException(status, inner),
            (409, _) => new ConflictException(status, inner),
            (404, _) => new NotFoundException(status, inner),
            (422, _) => new InvalidException(status, inner),
            (403, _) => new ForbiddenException(status, inner),
            (401, _) => new UnauthorizedException(status, inner),
            (400, _) => new BadRequestException(status, inner),
            (429, _) => new TooManyRequestsException(status, inner),
            (503, _) => new ServiceUnavailableException(status, inner),
            ( >= 500 and < 600, _) => new ServerErrorException(status, inner),
            _ => new KubernetesApiException(status, inner),
        };
        return ex.RetryAfter is null && retryAfter is not null ? WithRetryAfter(ex, retryAfter.Value) : ex;
    }

    /// <summary>
    /// The typed exception for an HTTP error answer. A body that is not a Status (a proxy's HTML page, an empty
    /// body) still yields the right type from the HTTP code, with the body text as the message.
    /// </summary>
    public static KubernetesApiException FromResponse(int httpCode, string? body, TimeSpan? retryAfter = null)
    {
        var status = TryParseStatus(body) ?? new Status
        {
            Outcome = "Failure",
            Code = httpCode,
            Reason = DefaultReason(httpCode),
            Message = string.IsNullOrWhiteSpace(body) ? DefaultReason(httpCode) : Truncate(body.Trim(), 512),
        };
        if (status.Code == 0)
        {
            status.Code = httpCode;
        }

        return FromStatus(status, retryAfter);
    }

    internal static Status? TryParseStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            var status = JsonSerializer.Deserialize<Status>(body, KubeJson.Options);
            return status is { Kind: "Status" } ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static KubernetesApiException WithRetryAfter(KubernetesApiException ex, TimeSpan retryAfter) => ex switch
    {
        TooManyRequestsException e => new TooManyRequestsException(e.Status, e.InnerException) { RetryAfter = retryAfter },
        ServiceUnavailableException e => new ServiceUnavailableException(e.Status, e.InnerException) { RetryAfter = retryAfter },
        ServerErrorException e => new ServerErrorException(e.Status, e.InnerException) { RetryAfter = retryAfter },
        _ => ex, // other errors are not retried, so the hint does not matter
    };

    private static string DefaultReason(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Gone",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "...";
}
