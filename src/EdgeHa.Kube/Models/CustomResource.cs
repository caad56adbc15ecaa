namespace EdgeHa.Kube.Models;

/// <summary>A convenient base for custom resources: metadata, spec and status. Unknown top-level fields round-trip via <see cref="KubernetesObject.Extra"/>.</summary>
public class CustomResource<TSpec, TStatus> : KubernetesObject
    where TSpec : class, new()
    where TStatus : class
{
    public TSpec Spec { get; set; } = new();

    public TStatus? Status { get; set; }
}
