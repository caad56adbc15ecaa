using EdgeHa.Kube.Models;

namespace EdgeHa.Fencing.Tests;

public sealed class LeaseTermsTests
{
    private static readonly LeaseTerms Fallback = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

    [Fact]
    public void WriteTo_ThenFromLease_WithoutRequestTimeout_ReadsBackEqual()
    {
        // The operator rewrites the Lease's terms whenever they differ from the spec's: a derived timeout written out
        // and read back as "set" made them differ forever, and the operator patched the Lease on every reconcile.
        var terms = new LeaseTerms(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(200));
        var lease = new Lease();

        terms.WriteTo(lease);

        Assert.Equal(terms, LeaseTerms.FromLease(lease, Fallback));
        Assert.False(lease.Metadata.Annotations!.ContainsKey(FencingAnnotations.RequestTimeoutMilliseconds));
    }

    [Fact]
    public void WriteTo_ThenFromLease_WithRequestTimeout_KeepsIt()
    {
        var terms = new LeaseTerms(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(200)) { RequestTimeout = TimeSpan.FromMilliseconds(250) };
        var lease = new Lease();

        terms.WriteTo(lease);

        Assert.Equal(terms, LeaseTerms.FromLease(lease, Fallback));
    }

    [Fact]
    public void WriteTo_TimeoutCleared_RemovesTheOldAnnotation()
    {
        var lease = new Lease();
        (new LeaseTerms(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(200)) { RequestTimeout = TimeSpan.FromMilliseconds(250) }).WriteTo(lease);

        new LeaseTerms(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(200)).WriteTo(lease);

        Assert.Null(LeaseTerms.FromLease(lease, Fallback).RequestTimeout);
    }
}
