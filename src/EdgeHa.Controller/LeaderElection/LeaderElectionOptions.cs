using EdgeHa.Controller.Metrics;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Controller.LeaderElection;

/// <summary>
/// Leader election timings and identity. The rules are client-go's: <see cref="LeaseDuration"/> &gt;
/// <see cref="RenewDeadline"/> &gt; <see cref="JitterFactor"/> x <see cref="RetryPeriod"/>.
/// The defaults (4 s / 3 s / 0.8 s; 3 s &gt; 1.2 x 0.8 s = 0.96 s) keep a replica takeover within a few seconds:
/// after a crash the standby replica takes over at most LeaseDuration + 2 x RetryPeriod x (1 + JitterFactor) = 7.52 s
/// later (it must first see the last renewal, then notice the expiry; typically about 5 s); after a clean shutdown
/// (released lease) within RetryPeriod x (1 + JitterFactor) = 1.76 s. A leader that cannot renew stops acting
/// LeaseDuration - RenewDeadline = 1 s before anyone else may start.
/// </summary>
public sealed class LeaderElectionOptions
{
    /// <summary>client-go's JitterFactor: acquire retries wait RetryPeriod x (1 + up to 1.2).</summary>
    public const double JitterFactor = 1.2;

    /// <summary>The lease's name; the <c>name</c> tag of <c>leader_election_master_status</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>This candidate's identity (pod name, or host name plus a unique suffix).</summary>
    public string Identity { get; set; } = "";

    /// <summary>How long non-leaders wait after the last observed renewal before taking over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long the leader keeps trying to renew (counted from its last successful renewal) before it stops leading.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long candidates wait between attempts.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>On shutdown, release the lease (empty holder, duration 1 s) so another replica takes over at once.</summary>
    public bool ReleaseOnCancel { get; set; } = true;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The jitter source; tests may pass a seeded one.</summary>
    public Random? Random { get; set; }

    public ControllerMetrics? Metrics { get; set; }

    public ILogger? Logger { get; set; }

    /// <summary>Every rule the settings break, as messages naming the setting (empty when valid).</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("leader election: the lease name must not be empty");
        }

        if (string.IsNullOrWhiteSpace(Identity))
        {
            errors.Add("leader election: the identity must not be empty");
        }

        if (LeaseDuration <= TimeSpan.Zero)
        {
            errors.Add($"leader election: leaseDuration ({LeaseDuration.TotalSeconds:0.###}s) must be greater than zero");
        }

        if (RenewDeadline <= TimeSpan.Zero)
        {
            errors.Add($"leader election: renewDeadline ({RenewDeadline.TotalSeconds:0.###}s) must be greater than zero");
        }

        if (RetryPeriod <= TimeSpan.Zero)
        {
            errors.Add($"leader election: retryPeriod ({RetryPeriod.TotalSeconds:0.###}s) must be greater than zero");
        }

        if (LeaseDuration <= RenewDeadline)
        {
            errors.Add(
                $"leader election: leaseDuration ({LeaseDuration.TotalSeconds:0.###}s) must be greater than renewDeadline ({RenewDeadline.TotalSeconds:0.###}s)");
        }

        if (RenewDeadline <= RetryPeriod * JitterFactor)
        {
            errors.Add(
                $"leader election: renewDeadline ({RenewDeadline.TotalSeconds:0.###}s) must be greater than retryPeriod x {JitterFactor} ({(RetryPeriod * JitterFactor).TotalSeconds:0.###}s)");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every broken rule.</summary>
    public void Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }
    }
}
