namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>A container could not be started; <see cref="Reason"/> is what the kubelet would report (ErrImagePull, RunContainerError, ...).</summary>
public sealed class ContainerStartException : Exception
{
    public ContainerStartException()
        : this("RunContainerError", "the container could not be started", retryable: true)
    {
    }

    public ContainerStartException(string message)
        : this("RunContainerError", message, retryable: true)
    {
    }

    public ContainerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "RunContainerError";
        Retryable = true;
    }

    public ContainerStartException(string reason, string message, bool retryable, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        Retryable = retryable;
    }

    /// <summary>The waiting reason to report.</summary>
    public string Reason { get; }

    /// <summary>False when retrying cannot help (an image the sandbox does not know): the container stays waiting.</summary>
    public bool Retryable { get; }

    /// <summary>The image is not in the sandbox's image map.</summary>
    public static ContainerStartException ImageNotFound(string image, string detail) =>
        new("ErrImagePull", $"image \"{image}\" is not known to the sandbox: {detail}", retryable: false);
}
