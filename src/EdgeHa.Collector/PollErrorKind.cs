namespace EdgeHa.Collector;

/// <summary>Why a poll failed (the <c>kind</c> label of the error metric).</summary>
public enum PollErrorKind
{
    /// <summary>The device answered with a Modbus exception (the code is recorded too).</summary>
    Exception,

    /// <summary>No answer within the request timeout.</summary>
    Timeout,

    /// <summary>An answer that breaks the protocol.</summary>
    Malformed,

    /// <summary>Could not connect, or the connection broke.</summary>
    Connection,

    /// <summary>Anything else.</summary>
    Other,
}
