using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.Tests;

public sealed class MicroTimeConverterTests
{
    [Fact]
    public void Lease_RenewTimeWithMicroseconds_RoundTripsExactly()
    {
        const string Json = """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"pair-a","namespace":"edge"},"spec":{"holderIdentity":"node-a","leaseDurationSeconds":3,"acquireTime":"2026-01-02T03:04:05.000000Z","renewTime":"2026-01-02T03:04:06.123456Z","leaseTransitions":4}}""";

        var lease = KubeJson.Deserialize<Lease>(Json);

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero).AddTicks(1_234_560), lease.Spec!.RenewTime);
        Assert.Equal(Json, KubeJson.Serialize(lease));
    }

    [Fact]
    public void Serialize_SubMicrosecondTicks_AreTruncatedToSixDigitsInUtc()
    {
        var spec = new LeaseSpec { RenewTime = new DateTimeOffset(2026, 1, 2, 5, 4, 6, TimeSpan.FromHours(2)).AddTicks(1_234_567) };

        Assert.Equal("""{"renewTime":"2026-01-02T03:04:06.123456Z"}""", KubeJson.Serialize(spec));
    }

    [Fact]
    public void Deserialize_MicroTimeWithoutFraction_IsAccepted()
    {
        var spec = KubeJson.Deserialize<LeaseSpec>("""{"acquireTime":"2026-01-02T03:04:05Z"}""");

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), spec.AcquireTime);
        Assert.Null(spec.RenewTime);
    }

    [Fact]
    public void Event_EventTimeAndSeries_UseMicroTime()
    {
        var ev = new Event
        {
            EventTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(10),
            Series = new EventSeries { Count = 2, LastObservedTime = new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero) },
        };

        var json = KubeJson.Serialize(ev);

        Assert.Contains("\"eventTime\":\"2026-01-02T03:04:05.000001Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"lastObservedTime\":\"2026-01-02T03:04:06.000000Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"apiVersion\":\"events.k8s.io/v1\"", json, StringComparison.Ordinal);
    }
}
