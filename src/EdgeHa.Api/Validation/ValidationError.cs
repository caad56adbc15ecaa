namespace EdgeHa.Api.Validation;

/// <summary>One problem in a RedundantPair: the JSON path of the field and what is wrong and what is allowed.</summary>
/// <param name="Path">The field path, for example <c>spec.healthCheck.timeoutMilliseconds</c>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <summary>"path: message", the form shown in the SpecValid condition.</summary>
    public override string ToString() => Path + ": " + Message;
}
