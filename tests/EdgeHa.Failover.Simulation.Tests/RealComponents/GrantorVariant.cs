using EdgeHa.Fencing;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Reconciliation;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>The shipped grantor, or one with a fixed defect put back, to prove the simulation catches it.</summary>
public enum GrantorVariant
{
    Shipped,

    /// <summary>Defect 2: any empty holder counts as a release.</summary>
    EmptyHolderIsRelease,

    /// <summary>Defect 3: the wait uses the Lease's current duration, not the longest a holder may act under.</summary>
    CurrentDurationOnly,

    /// <summary>Defect 4: the wait is measured on the operator's wall clock.</summary>
    WallClockWaits,
}

internal static class GrantorVariants
{
    public static LeaseObservation Read(this GrantorVariant variant, Lease lease, LeaseTerms terms, long statusEpoch, DateTimeOffset observedAt, Func<string, Pod?> podByName, IReadOnlyDictionary<string, Pod?> currentPods)
    {
        var read = PairLeaseGrantor.Read(lease, terms, statusEpoch, observedAt, podByName, currentPods);
        return variant switch
        {
            GrantorVariant.EmptyHolderIsRelease when !read.IsHeld => read with { ReleasedBy = "anyone" },
            GrantorVariant.CurrentDurationOnly => read with { Duration = terms.Duration },
            _ => read,
        };
    }
}
