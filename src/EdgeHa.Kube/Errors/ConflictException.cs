using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>409 Conflict: the resourceVersion (or a delete precondition) was stale. Re-read and retry.</summary>
public class ConflictException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
