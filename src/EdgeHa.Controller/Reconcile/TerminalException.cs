namespace EdgeHa.Controller.Reconcile;

/// <summary>
/// A reconcile error that retrying cannot fix (e.g. an invalid spec): counted and logged, not requeued. The key is
/// reconciled again only when something enqueues it (a change of the object). controller-runtime's TerminalError.
/// </summary>
public class TerminalException : Exception
{
    public TerminalException()
    {
    }

    public TerminalException(string message)
        : base(message)
    {
    }

    public TerminalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
