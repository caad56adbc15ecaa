namespace EdgeHa.Api.Schema;

/// <summary>
/// A CEL validation rule the API server evaluates on the annotated type (<c>x-kubernetes-validations</c>);
/// <c>self</c> is an object of the annotated type. <see cref="Validation.RedundantPairValidator"/> checks the same rule in code.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    /// <summary>The CEL expression; true means valid.</summary>
    public string Rule { get; } = rule;

    /// <summary>The message the API server returns when the rule is false.</summary>
    public string Message { get; } = message;

    /// <summary>Optional field path (for example <c>.address</c>) the error is reported on.</summary>
    public string? FieldPath { get; init; }
}
