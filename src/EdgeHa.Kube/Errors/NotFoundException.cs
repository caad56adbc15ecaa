using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>404 NotFound: the object (or its namespace, or the resource type) does not exist.</summary>
public class NotFoundException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
