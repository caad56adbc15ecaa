namespace EdgeHa.Kubectl.Commands;

/// <summary>A command refused or failed for a reason the user can act on (exit code 1). The message says why and what to do.</summary>
internal sealed class CommandFailedException : Exception
{
    public CommandFailedException()
    {
    }

    public CommandFailedException(string message)
        : base(message)
    {
    }

    public CommandFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
