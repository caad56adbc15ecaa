using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using EdgeHa.Api.Schema;

namespace EdgeHa.Api;

/// <summary>The pair Lease (coordination.k8s.io/v1) that the acting collector must hold; it keeps two collectors from acting at once.</summary>
[CelRule(
    "self.renewIntervalMilliseconds < self.leaseDurationMilliseconds - self.clockSkewMarginMilliseconds",
    "renewIntervalMilliseconds must be less than leaseDurationMilliseconds - clockSkewMarginMilliseconds (the holder's acting window)",
    FieldPath = ".renewIntervalMilliseconds")]
[CelRule(
    "!has(self.requestTimeoutMilliseconds) || self.renewIntervalMilliseconds + 2 * self.requestTimeoutMilliseconds < self.leaseDurationMilliseconds - self.clockSkewMarginMilliseconds",
    "renewIntervalMilliseconds + 2 x requestTimeoutMilliseconds must be less than leaseDurationMilliseconds - clockSkewMarginMilliseconds, so one failed renewal still leaves time for the next",
    FieldPath = ".requestTimeoutMilliseconds")]
public sealed class FencingSpec
{
    /// <summary>Milliseconds a lease is valid after its last renewal; a holder that cannot renew stops acting before then.</summary>
    [Range(500, 60000)]
    [DefaultValue(3000)]
    public int LeaseDurationMilliseconds { get; set; } = 3000;

    /// <summary>Milliseconds between renewals by the holder; less than leaseDurationMilliseconds.</summary>
    [Range(100, 30000)]
    [DefaultValue(1000)]
    public int RenewIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Extra milliseconds after the old lease expires before a new holder is granted, to cover clock skew between nodes.</summary>
    [Range(0, 10000)]
    [DefaultValue(500)]
    public int ClockSkewMarginMilliseconds { get; set; } = 500;

    /// <summary>
    /// Milliseconds one renewal request of the holder may take before it counts as failed. Unset: a third of what the
    /// acting window (leaseDurationMilliseconds - clockSkewMarginMilliseconds) leaves after renewIntervalMilliseconds
    /// (500 with the defaults). renewIntervalMilliseconds + 2 x this must stay below the acting window.
    /// </summary>
    [Range(10, 30000)]
    public int? RequestTimeoutMilliseconds { get; set; }
}
