using System.Collections.Concurrent;
using EdgeHa.Controller.Informers;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary>An <see cref="Informer{T}"/> over <see cref="KubeListerWatcher{T}"/> against the sandbox, with dropped watches and 410.</summary>
public sealed class InformerTests
{
    [Fact]
    public async Task RunAsync_SyncsThenSeesAddUpdateDelete()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var client = sandbox.Client;
        var ns = await sandbox.NewNamespaceAsync(guard.Token);
        await client.CreateAsync(Objects.ConfigMap("existing", ns), guard.Token);
        await client.CreateAsync(Objects.ConfigMap("elsewhere", "default"), guard.Token);
        var (informer, log) = NewInformer(client, ns);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);
        var run = informer.RunAsync(stop.Token);

        Assert.True(await informer.WaitForCacheSyncAsync(guard.Token));
        Assert.Equal(["existing"], informer.Store.List().Select(o => o.Metadata.Name));
        Assert.Equal(["add existing"], log.ToArray());

        await client.CreateAsync(Objects.ConfigMap("new", ns), guard.Token);
        await client.PatchAsync<ConfigMap>("existing", KubePatch.Merge(new { data = new { key = "v2" } }), ns, guard.Token);
        await client.DeleteAsync<ConfigMap>("new", ns, cancellationToken: guard.Token);

        await Eventually.TrueAsync(() => log.Count == 4, "add, update and delete are delivered");
        Assert.Equal(["add existing", "add new", "update existing", "delete new"], log.ToArray());
        Assert.Equal("v2", informer.Store.Get(ns, "existing")!.Data!["key"]);
        Assert.Null(informer.Store.Get(ns, "new"));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunAsync_WatchDropped_RewatchesAndSeesLaterChanges()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var client = sandbox.Client;
        var ns = await sandbox.NewNamespaceAsync(guard.Token);
        var (informer, log) = NewInformer(client, ns);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);
        var run = informer.RunAsync(stop.Token);
        Assert.True(await informer.WaitForCacheSyncAsync(guard.Token));
        await Eventually.TrueAsync(async () => await sandbox.OpenWatchesAsync(guard.Token) == 1, "the informer watches");

        for (var i = 0; i < 3; i++)
        {
            sandbox.Server.Faults.DropWatches();
            await client.CreateAsync(Objects.ConfigMap($"cm-{i}", ns), guard.Token);
        }

        await Eventually.TrueAsync(() => informer.Store.Count == 3, "every object created across the drops is cached");
        Assert.Equal(["add cm-0", "add cm-1", "add cm-2"], log.ToArray());

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunAsync_HistoryExpiredWhileDisconnected_RelistsAndDeliversDeletes()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var client = sandbox.Client;
        var ns = await sandbox.NewNamespaceAsync(guard.Token);
        await client.CreateAsync(Objects.ConfigMap("stays", ns), guard.Token);
        await client.CreateAsync(Objects.ConfigMap("goes", ns), guard.Token);
        // An idle watch that ends counts as a failure (MinWatchDuration): the informer waits InitialBackoff before
        // re-watching, which leaves the test a window to change the collection while nobody watches.
        var (informer, log) = NewInformer(client, ns, new InformerOptions { Name = "cm", InitialBackoff = TimeSpan.FromMilliseconds(800), MinWatchDuration = TimeSpan.FromHours(1) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);
        var run = informer.RunAsync(stop.Token);
        Assert.True(await informer.WaitForCacheSyncAsync(guard.Token));
        await Eventually.TrueAsync(async () => await sandbox.OpenWatchesAsync(guard.Token) == 1, "the informer watches");

        sandbox.Server.Faults.DropWatches();
        await Eventually.TrueAsync(async () => await sandbox.OpenWatchesAsync(guard.Token) == 0, "the watch is closed");
        await client.DeleteAsync<ConfigMap>("goes", ns, cancellationToken: guard.Token);
        await client.CreateAsync(Objects.ConfigMap("arrives", ns), guard.Token);
        sandbox.Server.Faults.ExpireWatchHistory();

        await Eventually.TrueAsync(() => log.Contains("delete goes") && log.Contains("add arrives"), "the relist delivers the delete and the add");
        Assert.Equal(["arrives", "stays"], informer.Store.List().Select(o => o.Metadata.Name!).Order(StringComparer.Ordinal));

        // Watching again after the relist.
        await client.CreateAsync(Objects.ConfigMap("later", ns), guard.Token);
        await Eventually.TrueAsync(() => informer.Store.Get(ns, "later") is not null, "the informer watches again after the relist");

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunAsync_LabelSelector_ObjectLeavingTheSelectionIsDeletedFromCache()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var client = sandbox.Client;
        var ns = await sandbox.NewNamespaceAsync(guard.Token);
        var active = new Dictionary<string, string> { ["edgeha.io/role"] = "active" };
        await client.CreateAsync(Objects.ConfigMap("a", ns, active), guard.Token);
        await client.CreateAsync(Objects.ConfigMap("b", ns), guard.Token);
        var informer = new Informer<ConfigMap>(new KubeListerWatcher<ConfigMap>(client, ns, labelSelector: "edgeha.io/role=active"), new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(50) });
        var deleted = new ConcurrentQueue<string>();
        informer.AddEventHandler(new ResourceEventHandler<ConfigMap>(onDelete: o => deleted.Enqueue(o.Metadata.Name!)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);
        var run = informer.RunAsync(stop.Token);
        Assert.True(await informer.WaitForCacheSyncAsync(guard.Token));
        Assert.Equal(["a"], informer.Store.List().Select(o => o.Metadata.Name));

        await client.PatchAsync<ConfigMap>("a", KubePatch.Merge(new { metadata = new { labels = new Dictionary<string, string> { ["edgeha.io/role"] = "standby" } } }), ns, guard.Token);
        await client.PatchAsync<ConfigMap>("b", KubePatch.Merge(new { metadata = new { labels = active } }), ns, guard.Token);

        await Eventually.TrueAsync(() => informer.Store.Get(ns, "b") is not null && informer.Store.Get(ns, "a") is null, "the cache follows the selection");
        Assert.Equal(["a"], deleted.ToArray());

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static (Informer<ConfigMap> Informer, ConcurrentQueue<string> Log) NewInformer(KubernetesClient client, string ns, InformerOptions? options = null)
    {
        var informer = new Informer<ConfigMap>(
            new KubeListerWatcher<ConfigMap>(client, ns),
            options ?? new InformerOptions { Name = "configmaps", InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(500) });
        var log = new ConcurrentQueue<string>();
        informer.AddEventHandler(new ResourceEventHandler<ConfigMap>(
            onAdd: o => log.Enqueue("add " + o.Metadata.Name),
            onUpdate: (_, n) => log.Enqueue("update " + n.Metadata.Name),
            onDelete: o => log.Enqueue("delete " + o.Metadata.Name)));
        return (informer, log);
    }
}
