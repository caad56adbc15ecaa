namespace EdgeHa.Kube.Config;

/// <summary>The client configuration could not be found or is unusable; the message says which file and field.</summary>
public sealed class KubeConfigException(string message, Exception? inner = null) : Exception(message, inner);
