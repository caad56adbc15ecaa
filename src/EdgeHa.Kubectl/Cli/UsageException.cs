namespace EdgeHa.Kubectl.Cli;

/// <summary>The command line is wrong (exit code 2). <see cref="Command"/> names the command whose help to point to.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, CommandKind? command)
        : base(message) => Command = command;

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CommandKind? Command { get; }
}
