namespace EdgeHa.Failover;

/// <summary>What the operator must do to the pair Lease.</summary>
public enum LeaseActionKind
{
    /// <summary>Leave the Lease alone.</summary>
    Keep,

    /// <summary>Clear the holder (compare-and-swap on the observed resourceVersion); the old holder stops at its next renew.</summary>
    Revoke,

    /// <summary>Make the target the holder, not before <see cref="LeaseAction.NotBefore"/> (compare-and-swap).</summary>
    Grant,
}
