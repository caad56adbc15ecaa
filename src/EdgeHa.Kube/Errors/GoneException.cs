using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>410 Gone / reason Expired: the resourceVersion is too old for the server's history. Relist, then watch from the list's resourceVersion.</summary>
public class GoneException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
