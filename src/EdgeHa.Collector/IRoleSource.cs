namespace EdgeHa.Collector;

/// <summary>
/// Where the collector's role comes from: a flag, the HTTP control endpoint, and later a lease with self-fencing.
/// Implementations must be thread-safe and raise <see cref="RoleChanged"/> after <see cref="Current"/> changed.
/// </summary>
public interface IRoleSource
{
    /// <summary>The role the collector must act in now.</summary>
    CollectorRole Current { get; }

    /// <summary>Raised after the role changed (not for a set to the same role).</summary>
    event EventHandler<RoleChangedEventArgs>? RoleChanged;
}

/// <summary>A role source that accepts requests to change the role (flag/HTTP); a lease-based source does not.</summary>
public interface IRoleController : IRoleSource
{
    /// <summary>Sets the role; returns false when it was already that role.</summary>
    bool SetRole(CollectorRole role);
}

/// <summary>Arguments of <see cref="IRoleSource.RoleChanged"/>.</summary>
public sealed class RoleChangedEventArgs(CollectorRole previous, CollectorRole current) : EventArgs
{
    public CollectorRole Previous { get; } = previous;

    public CollectorRole Current { get; } = current;
}
