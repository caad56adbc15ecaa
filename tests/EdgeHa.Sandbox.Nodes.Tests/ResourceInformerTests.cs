using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class ResourceInformerTests
{
    private static ConfigMap Map(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "default" } };

    [Fact]
    public async Task RunAsync_DroppedWatchesAndExpiredHistory_RelistsAndKeepsCacheExact()
    {
        await using var api = await TestApi.StartAsync();
        await api.Client.CreateAsync(Map("before"));
        var changes = 0;
        var informer = new ResourceInformer<ConfigMap>(api.Client, "default", null, null, TimeProvider.System, NullLogger.Instance, (_, _) => Interlocked.Increment(ref changes));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitSyncedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.NotNull(informer.Get("default", "before"));

        api.Server.Faults.DropWatches();
        await api.Client.CreateAsync(Map("after-drop"));
        await Eventually.TrueAsync(() => informer.Get("default", "after-drop") is not null, "a change after a dropped watch");

        api.Server.Faults.DropWatches();
        api.Server.Faults.ExpireWatchHistory();
        await api.Client.DeleteAsync<ConfigMap>("before", "default");
        await api.Client.CreateAsync(Map("after-gone"));
        await Eventually.TrueAsync(() => informer.Get("default", "after-gone") is not null && informer.Get("default", "before") is null, "the cache after a 410 relist");

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(changes >= 3);
    }

    [Fact]
    public async Task Upsert_OlderVersionOfSameObject_Ignored()
    {
        await using var api = await TestApi.StartAsync();
        var informer = new ResourceInformer<ConfigMap>(api.Client, "default", null, null, TimeProvider.System, NullLogger.Instance, (_, _) => { });
        var newer = Map("m");
        newer.Metadata.Uid = "u";
        newer.Metadata.ResourceVersion = "10";
        var older = Map("m");
        older.Metadata.Uid = "u";
        older.Metadata.ResourceVersion = "9";

        informer.Upsert(newer);
        informer.Upsert(older);

        Assert.Equal("10", informer.Get("default", "m")!.Metadata.ResourceVersion);
    }
}
