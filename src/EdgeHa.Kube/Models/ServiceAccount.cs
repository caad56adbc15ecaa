namespace EdgeHa.Kube.Models;

/// <summary>core/v1 ServiceAccount. Secrets, imagePullSecrets and automountServiceAccountToken round-trip in <see cref="KubernetesObject.Extra"/>.</summary>
[KubernetesResource("", "v1", "serviceaccounts", "ServiceAccount")]
public sealed class ServiceAccount : KubernetesObject
{
    public ServiceAccount() => (ApiVersion, Kind) = ("v1", "ServiceAccount");
}
