namespace EdgeHa.Kube;

/// <summary>Query options of a list.</summary>
public sealed record ListOptions
{
    /// <summary>For example "app=collector,tier in (edge),!legacy".</summary>
    public string? LabelSelector { get; init; }

    /// <summary>For example "metadata.name=x" or "spec.nodeName=node-a".</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Page size; the answer's continue token fetches the next page.</summary>
    public int? Limit { get; init; }

    /// <summary>The continue token from the previous page.</summary>
    public string? Continue { get; init; }

    /// <summary>Optional resourceVersion semantics for the list ("0" = any cached version).</summary>
    public string? ResourceVersion { get; init; }
}
