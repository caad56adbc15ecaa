using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>400 BadRequest: the request was malformed.</summary>
public class BadRequestException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
