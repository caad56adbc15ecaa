using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Tests;

public class OwnerReferencesTests
{
    private static KubernetesObject Pair(string uid = "u1", string ns = "plant") => new()
    {
        ApiVersion = "edgeha.io/v1alpha1",
        Kind = "RedundantPair",
        Metadata = new ObjectMeta { Name = "line1", Namespace = ns, Uid = uid },
    };

    private static KubernetesObject Deployment(string? ns = "plant") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new ObjectMeta { Name = "line1-node-a", Namespace = ns },
    };

    [Fact]
    public void SetController_NoOwner_AddsControllerRefWithBlockOwnerDeletion()
    {
        var d = Deployment();

        Assert.True(OwnerReferences.SetController(Pair(), d));

        var r = Assert.Single(d.Metadata.OwnerReferences!);
        Assert.Equal(("edgeha.io/v1alpha1", "RedundantPair", "line1", "u1", true, true), (r.ApiVersion, r.Kind, r.Name, r.Uid, r.Controller, r.BlockOwnerDeletion));
        Assert.True(OwnerReferences.IsControlledBy(d, Pair()));
    }

    [Fact]
    public void SetController_AlreadySet_NoChange()
    {
        var d = Deployment();
        OwnerReferences.SetController(Pair(), d);

        Assert.False(OwnerReferences.SetController(Pair(), d));
        Assert.Single(d.Metadata.OwnerReferences!);
    }

    [Fact]
    public void SetController_SameOwnerAsNonController_Upgraded()
    {
        var d = Deployment();
        d.Metadata.OwnerReferences = [new OwnerReference { ApiVersion = "edgeha.io/v1alpha1", Kind = "RedundantPair", Name = "line1", Uid = "u1" }];

        Assert.True(OwnerReferences.SetController(Pair(), d));

        Assert.True(Assert.Single(d.Metadata.OwnerReferences).Controller);
    }

    [Fact]
    public void SetController_OtherController_Throws()
    {
        var d = Deployment();
        OwnerReferences.SetController(Pair("u1"), d);

        var ex = Assert.Throws<InvalidOperationException>(() => OwnerReferences.SetController(Pair("u2"), d));
        Assert.Contains("already controlled", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetController_CrossNamespace_Throws() =>
        Assert.Throws<InvalidOperationException>(() => OwnerReferences.SetController(Pair(ns: "a"), Deployment("b")));

    [Fact]
    public void SetController_ClusterScopedDependentOfNamespacedOwner_Throws() =>
        Assert.Throws<InvalidOperationException>(() => OwnerReferences.SetController(Pair(), Deployment(null)));

    [Fact]
    public void ControllerRef_OwnerWithoutUid_Throws() =>
        Assert.Throws<ArgumentException>(() => OwnerReferences.ControllerRef(Pair(uid: "")));

    [Fact]
    public void GetController_NoControllerRef_Null()
    {
        var meta = new ObjectMeta { OwnerReferences = [new OwnerReference { Name = "x", Uid = "1" }] };

        Assert.Null(OwnerReferences.GetController(meta));
    }
}
