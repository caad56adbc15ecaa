using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>5xx: the server failed (500 InternalError, 502, 504 Timeout, ...).</summary>
public class ServerErrorException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
