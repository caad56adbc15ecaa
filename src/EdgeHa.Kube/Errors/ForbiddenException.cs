using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>403 Forbidden: authenticated, but RBAC does not allow the request.</summary>
public class ForbiddenException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
