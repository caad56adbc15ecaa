namespace EdgeHa.Failover;

/// <summary>The Lease action of a decision.</summary>
/// <param name="Kind">Keep, revoke or grant.</param>
/// <param name="Node">Revoke: the holder it is taken from. Grant: the new holder.</param>
/// <param name="NotBefore">Grant: the earliest time (operator clock) the grant may be written: old expiry + skew margin.</param>
public sealed record LeaseAction(LeaseActionKind Kind, string? Node = null, DateTimeOffset? NotBefore = null)
{
    public static LeaseAction Keep { get; } = new(LeaseActionKind.Keep);

    public static LeaseAction Revoke(string from) => new(LeaseActionKind.Revoke, from);

    public static LeaseAction Grant(string to, DateTimeOffset notBefore) => new(LeaseActionKind.Grant, to, notBefore);

    /// <summary>True when the action may be carried out at <paramref name="now"/>.</summary>
    public bool IsDue(DateTimeOffset now) => Kind != LeaseActionKind.Grant || NotBefore is not { } t || now >= t;
}
