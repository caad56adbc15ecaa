using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Tests;

public class FinalizersTests
{
    private const string F = "edgeha.io/cleanup";

    [Fact]
    public void Add_Absent_AddsOnceAndReportsChange()
    {
        var meta = new ObjectMeta();

        Assert.True(Finalizers.Add(meta, F));
        Assert.False(Finalizers.Add(meta, F));

        Assert.Equal([F], meta.Finalizers);
        Assert.True(Finalizers.Has(meta, F));
    }

    [Fact]
    public void Remove_Present_RemovesAndKeepsOthers()
    {
        var meta = new ObjectMeta { Finalizers = ["other", F, F] };

        Assert.True(Finalizers.Remove(meta, F));
        Assert.False(Finalizers.Remove(meta, F));

        Assert.Equal(["other"], meta.Finalizers);
    }

    [Fact]
    public void Has_NoFinalizers_False() => Assert.False(Finalizers.Has(new ObjectMeta(), F));

    [Fact]
    public void IsBeingDeleted_DeletionTimestamp_True()
    {
        Assert.False(Finalizers.IsBeingDeleted(new ObjectMeta()));
        Assert.True(Finalizers.IsBeingDeleted(new ObjectMeta { DeletionTimestamp = DateTimeOffset.UnixEpoch }));
    }
}
