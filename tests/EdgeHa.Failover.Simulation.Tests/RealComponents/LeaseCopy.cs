using EdgeHa.Kube.Models;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// A deep copy of a Lease, as a JSON round trip through the API server would give (times cut to microseconds, the
/// API server's MicroTime), without its cost: the simulation copies the Lease on every call of every schedule.
/// </summary>
internal static class LeaseCopy
{
    public static Lease Of(Lease lease)
    {
        var m = lease.Metadata;
        return new Lease
        {
            ApiVersion = lease.ApiVersion,
            Kind = lease.Kind,
            Extra = lease.Extra is null ? null : new Dictionary<string, System.Text.Json.JsonElement>(lease.Extra),
            Metadata = new ObjectMeta
            {
                Name = m.Name,
                GenerateName = m.GenerateName,
                Namespace = m.Namespace,
                Uid = m.Uid,
                ResourceVersion = m.ResourceVersion,
                Generation = m.Generation,
                CreationTimestamp = m.CreationTimestamp,
                DeletionTimestamp = m.DeletionTimestamp,
                Labels = m.Labels is null ? null : new Dictionary<string, string>(m.Labels),
                Annotations = m.Annotations is null ? null : new Dictionary<string, string>(m.Annotations),
                Finalizers = m.Finalizers is null ? null : [.. m.Finalizers],
                OwnerReferences = m.OwnerReferences?.Select(o => new OwnerReference { ApiVersion = o.ApiVersion, Kind = o.Kind, Name = o.Name, Uid = o.Uid, Controller = o.Controller, BlockOwnerDeletion = o.BlockOwnerDeletion }).ToList(),
                Extra = m.Extra is null ? null : new Dictionary<string, System.Text.Json.JsonElement>(m.Extra),
            },
            Spec = lease.Spec is not { } s ? null : new LeaseSpec
            {
                HolderIdentity = s.HolderIdentity,
                LeaseDurationSeconds = s.LeaseDurationSeconds,
                AcquireTime = Micro(s.AcquireTime),
                RenewTime = Micro(s.RenewTime),
                LeaseTransitions = s.LeaseTransitions,
                Extra = s.Extra is null ? null : new Dictionary<string, System.Text.Json.JsonElement>(s.Extra),
            },
        };
    }

    private static DateTimeOffset? Micro(DateTimeOffset? at) => at is { } t ? new DateTimeOffset(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero) : null;
}
