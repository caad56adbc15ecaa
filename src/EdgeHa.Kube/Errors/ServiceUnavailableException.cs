using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>503 ServiceUnavailable.</summary>
public class ServiceUnavailableException(Status status, Exception? inner = null) : ServerErrorException(status, inner);
