using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>422 Invalid: the object failed validation; <see cref="Causes"/> name the fields.</summary>
public class InvalidException(Status status, Exception? inner = null) : KubernetesApiException(status, inner)
{
    /// <summary>The per-field causes from <c>details.causes</c> (empty when the server gave none).</summary>
    public IReadOnlyList<StatusCause> Causes => Status.Details?.Causes?.ToArray() ?? [];
}
