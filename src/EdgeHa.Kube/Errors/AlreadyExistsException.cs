using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>409 AlreadyExists: create of an object whose name is taken.</summary>
public class AlreadyExistsException(Status status, Exception? inner = null) : KubernetesApiException(status, inner);
