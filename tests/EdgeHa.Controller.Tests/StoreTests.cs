using EdgeHa.Controller.Informers;
using EdgeHa.Kube.Models;
using static EdgeHa.Controller.Tests.FakeListerWatcher;

namespace EdgeHa.Controller.Tests;

public class StoreTests
{
    [Fact]
    public void Upsert_SameKey_ReplacesAndReturnsPrevious()
    {
        var store = new Store<KubernetesObject>();
        Assert.Null(store.Upsert(Obj("a", "1")));

        var old = store.Upsert(Obj("a", "2"));

        Assert.Equal("1", old!.Metadata.ResourceVersion);
        Assert.Equal("2", store.Get("default/a")!.Metadata.ResourceVersion);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void ByIndex_ObjectsChangeIndexValue_IndexFollows()
    {
        var store = new Store<KubernetesObject>();
        store.AddIndexer("app", o => o.Metadata.Labels?.TryGetValue("app", out var v) == true ? [v] : []);
        store.Upsert(Obj("a", "1", label: "collector"));
        store.Upsert(Obj("b", "1", label: "collector"));

        store.Upsert(Obj("b", "2", label: "simulator"));
        store.Delete("default/a");

        Assert.Empty(store.ByIndex("app", "collector"));
        Assert.Equal("b", Assert.Single(store.ByIndex("app", "simulator")).Metadata.Name);
    }

    [Fact]
    public void AddNamespaceIndexer_ExistingObjects_AreIndexed()
    {
        var store = new Store<KubernetesObject>();
        store.Upsert(Obj("a", "1", ns: "x"));
        store.Upsert(Obj("b", "1", ns: "y"));

        store.AddNamespaceIndexer();

        Assert.Equal("a", Assert.Single(store.ByIndex(Store<KubernetesObject>.NamespaceIndex, "x")).Metadata.Name);
    }

    [Fact]
    public void ByIndex_UnknownIndex_Throws() =>
        Assert.Throws<KeyNotFoundException>(() => new Store<KubernetesObject>().ByIndex("nope", "x"));

    [Fact]
    public void Delete_Absent_ReturnsNull() => Assert.Null(new Store<KubernetesObject>().Delete("default/a"));
}
