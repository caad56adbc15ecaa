using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>401 Unauthorized: the credentials were missing, expired or wrong.</summary>
public class UnauthorizedException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
