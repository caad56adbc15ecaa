namespace EdgeHa.Fencing;

/// <summary>Where the pair Lease is and who this holder is.</summary>
public sealed class LeaseHolderOptions
{
    /// <summary>The pair Lease's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The pair Lease's name.</summary>
    public required string LeaseName { get; init; }

    /// <summary>This holder's identity: the pod name, unique per incarnation, so a restarted pod never inherits a holding.</summary>
    public required string Identity { get; init; }

    /// <summary>Terms used until the operator has written its own on the Lease.</summary>
    public LeaseTerms DefaultTerms { get; init; } = LeaseTerms.Default;

    /// <summary>How long one API call may take before it counts as failed (the acting deadline holds regardless).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a release at shutdown may take in all, including <see cref="LeaseHolder.BeforeReleaseAsync"/>.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest a graceful release waits for <see cref="LeaseHolder.BeforeStopActingAsync"/> (never past the
    /// acting window): one acknowledgement's round trip is what it is for, so it stays short.
    /// </summary>
    public TimeSpan FinishActingTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Namespace);
        ArgumentException.ThrowIfNullOrWhiteSpace(LeaseName);
        ArgumentException.ThrowIfNullOrWhiteSpace(Identity);
        if (!DefaultTerms.IsValid)
        {
            throw new ArgumentException($"lease terms are invalid: renew interval {DefaultTerms.RenewInterval} and margin {DefaultTerms.ClockSkewMargin} must both be below duration {DefaultTerms.Duration}");
        }
    }
}
