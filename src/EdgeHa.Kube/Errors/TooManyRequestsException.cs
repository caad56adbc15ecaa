using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>429 TooManyRequests: throttled; <see cref="KubernetesApiException.RetryAfter"/> says how long to wait.</summary>
public class TooManyRequestsException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
