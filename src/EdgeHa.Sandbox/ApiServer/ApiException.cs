using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>A failed API request, carrying what the real API server puts in its <c>Status</c> body.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    /// <summary>Seconds for a Retry-After header (429 and 503 answers).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>The Status body, exactly shaped as kube-apiserver sends it.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }

        status["code"] = Code;
        return status;
    }

    private static JsonObject NameDetails(string name, string group, string kind)
    {
        var d = new JsonObject { ["name"] = name };
        if (group.Length > 0)
        {
            d["group"] = group;
        }

        d["kind"] = kind;
        return d;
    }

    public static ApiException NotFound(string group, string plural, string name) =>
        new(404, "NotFound", $"{Qualified(group, plural)} \"{name}\" not found", NameDetails(name, group, plural));

    public static ApiException AlreadyExists(string group, string plural, string name) =>
        new(409, "AlreadyExists", $"{Qualified(group, plural)} \"{name}\" already exists", NameDetails(name, group, plural));

    public static ApiException Conflict(string group, string plural, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, plural)} \"{name}\": {why}", NameDetails(name, group, plural));

    public static ApiException StaleConflict(string group, string plural, string name) =>
        Conflict(group, plural, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>422 Invalid with one cause per field error, message as the real server joins them.</summary>
    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var qualifiedKind = group.Length == 0 ? kind : $"{kind}.{group}";
        var joined = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var details = NameDetails(name, group, kind);
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add(new JsonObject { ["reason"] = e.Reason, ["message"] = e.Detail, ["field"] = e.Field });
        }

        details["causes"] = causes;
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {joined}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException Forbidden(string message) => new(403, "Forbidden", message);

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static ApiException TooManyRequests(int retryAfter) =>
        new(429, "TooManyRequests", "sandbox fault injection: too many requests, please try again later",
            new JsonObject { ["retryAfterSeconds"] = retryAfter })
        { RetryAfterSeconds = retryAfter };

    public static ApiException Internal(string message) => new(500, "InternalError", message);

    public static ApiException ServiceUnavailable(string message, int retryAfter) =>
        new(503, "ServiceUnavailable", message, new JsonObject { ["retryAfterSeconds"] = retryAfter }) { RetryAfterSeconds = retryAfter };

    private static string Qualified(string group, string plural) => group.Length == 0 ? plural : $"{plural}.{group}";
}

/// <summary>One field error of a 422 answer (a <c>StatusCause</c>).</summary>
internal sealed record FieldError(string Field, string Reason, string Detail)
{
    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError InvalidValue(string field, JsonNode? value, string why) =>
        new(field, "FieldValueInvalid", $"Invalid value: {Render(value)}: {why}");

    public static FieldError TypeInvalid(string field, JsonNode? value, string why) =>
        new(field, "FieldValueTypeInvalid", $"Invalid value: {Render(value)}: {why}");

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<JsonNode?> allowed) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {Render(value)}: supported values: {string.Join(", ", allowed.Select(Render))}");

    public static FieldError TooLong(string field, long max) => new(field, "FieldValueTooLong", $"Too long: may not be more than {max} bytes");

    public static FieldError TooMany(string field, long max) => new(field, "FieldValueTooMany", $"Too many: must have at most {max} items");

    public override string ToString() => $"{Field}: {Detail}";

    private static string Render(JsonNode? value) => value is null ? "null" : value.ToJsonString();
}
