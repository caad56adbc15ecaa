using System.Globalization;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary><see cref="KubernetesClient.WatchAsync{T}"/> against the sandbox: order, resume, bookmarks, timeouts, drops and 410.</summary>
public sealed class KubernetesClientWatchTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private readonly TestSandbox _sandbox = fixture.Sandbox;

    private KubernetesClient Client => _sandbox.Client;

    [Fact]
    public async Task WatchAsync_FromListResourceVersion_DeliversChangesInOrder()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var rv = (await Client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token)).Metadata.ResourceVersion;
        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = rv }));

        await Client.CreateAsync(Objects.ConfigMap("cm", ns), guard.Token);
        await Client.PatchAsync<ConfigMap>("cm", KubePatch.Merge(new { data = new { key = "v2" } }), ns, guard.Token);
        await Client.DeleteAsync<ConfigMap>("cm", ns, cancellationToken: guard.Token);

        var events = new[] { await watch.NextAsync(), await watch.NextAsync(), await watch.NextAsync() };
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("v2", events[1].Object.Data!["key"]);
        var versions = events.Select(e => long.Parse(e.ResourceVersion!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(3, versions.Distinct().Count());
    }

    [Fact]
    public async Task WatchAsync_NoResourceVersion_StartsWithCurrentObjectsAsAdded()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("a", ns), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("b", ns), guard.Token);

        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions()));
        var first = await watch.NextAsync();
        var second = await watch.NextAsync();

        Assert.All([first, second], e => Assert.Equal(WatchEventType.Added, e.Type));
        Assert.Equal(["a", "b"], new[] { first, second }.Select(e => e.Object.Metadata.Name!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WatchAsync_ResumeFromResourceVersion_ReplaysOnlyLaterChanges()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var a = await Client.CreateAsync(Objects.ConfigMap("a", ns), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("b", ns), guard.Token);
        await Client.PatchAsync<ConfigMap>("a", KubePatch.Merge(new { data = new { key = "v2" } }), ns, guard.Token);

        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = a.Metadata.ResourceVersion }));
        var first = await watch.NextAsync();
        var second = await watch.NextAsync();

        Assert.Equal((WatchEventType.Added, "b"), (first.Type, first.Object.Metadata.Name));
        Assert.Equal((WatchEventType.Modified, "a"), (second.Type, second.Object.Metadata.Name));
    }

    [Fact]
    public async Task WatchAsync_LabelSelector_ObjectThatStopsMatchingArrivesAsDeleted()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var rv = (await Client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token)).Metadata.ResourceVersion;
        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = rv, LabelSelector = "edgeha.io/role=active" }));

        await Client.CreateAsync(Objects.ConfigMap("other", ns), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("cm", ns, new Dictionary<string, string> { ["edgeha.io/role"] = "active" }), guard.Token);
        await Client.PatchAsync<ConfigMap>("cm", KubePatch.Merge(new { metadata = new { labels = new Dictionary<string, string> { ["edgeha.io/role"] = "standby" } } }), ns, guard.Token);

        var added = await watch.NextAsync();
        var gone = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "cm"), (added.Type, added.Object.Metadata.Name));
        Assert.Equal((WatchEventType.Deleted, "cm"), (gone.Type, gone.Object.Metadata.Name));
    }

    [Fact]
    public async Task WatchAsync_OneObjectByNameFieldSelector_SeesOnlyThatObject()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var rv = (await Client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token)).Metadata.ResourceVersion;
        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = rv, FieldSelector = "metadata.name=target" }));

        await Client.CreateAsync(Objects.ConfigMap("noise", ns), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("target", ns), guard.Token);
        await Client.DeleteAsync<ConfigMap>("noise", ns, cancellationToken: guard.Token);
        await Client.DeleteAsync<ConfigMap>("target", ns, cancellationToken: guard.Token);

        var added = await watch.NextAsync();
        var deleted = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "target"), (added.Type, added.Object.Metadata.Name));
        Assert.Equal((WatchEventType.Deleted, "target"), (deleted.Type, deleted.Object.Metadata.Name));
    }

    [Fact]
    public async Task WatchAsync_AllowWatchBookmarks_ReceivesBookmarkWithResourceVersion()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var created = await Client.CreateAsync(Objects.ConfigMap("cm", ns), guard.Token);
        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = created.Metadata.ResourceVersion, AllowWatchBookmarks = true }));

        var bookmark = await watch.NextAsync(skipBookmarks: false);

        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.True(long.Parse(bookmark.ResourceVersion!, CultureInfo.InvariantCulture) >= long.Parse(created.Metadata.ResourceVersion!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task WatchAsync_ServerTimeoutWithoutReconnect_EndsCleanly()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var rv = (await Client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token)).Metadata.ResourceVersion;
        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = rv, TimeoutSeconds = 1, Reconnect = false, AllowWatchBookmarks = false }));

        Assert.Null(await watch.CompletionAsync(TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public async Task WatchAsync_ServerTimeout_ReconnectsFromLastResourceVersionWithoutDuplicates()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var rv = (await Client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token)).Metadata.ResourceVersion;
        await using var watch = new WatchCollector<ConfigMap>(Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = rv, TimeoutSeconds = 1 }));

        await Client.CreateAsync(Objects.ConfigMap("before", ns), guard.Token);
        Assert.Equal("before", (await watch.NextAsync()).Object.Metadata.Name);
        await Task.Delay(TimeSpan.FromMilliseconds(1500), guard.Token); // past the server's timeout: the stream was closed and reopened
        await Client.CreateAsync(Objects.ConfigMap("after", ns), guard.Token);

        var next = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "after"), (next.Type, next.Object.Metadata.Name));
        await Task.Delay(TimeSpan.FromMilliseconds(300), guard.Token);
        Assert.DoesNotContain(watch.Drain(), e => e.Type != WatchEventType.Bookmark);
    }

    [Fact]
    public async Task WatchAsync_DroppedConnection_ReconnectsAndMissesNothing()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var ns = await sandbox.NewNamespaceAsync(guard.Token);
        var rv = (await sandbox.Client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token)).Metadata.ResourceVersion;
        await using var watch = new WatchCollector<ConfigMap>(sandbox.Client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = rv }));
        await sandbox.Client.CreateAsync(Objects.ConfigMap("first", ns), guard.Token);
        Assert.Equal("first", (await watch.NextAsync()).Object.Metadata.Name);

        sandbox.Server.Faults.DropWatches();
        await sandbox.Client.CreateAsync(Objects.ConfigMap("during", ns), guard.Token);
        await sandbox.Client.CreateAsync(Objects.ConfigMap("after", ns), guard.Token);

        Assert.Equal("during", (await watch.NextAsync()).Object.Metadata.Name);
        Assert.Equal("after", (await watch.NextAsync()).Object.Metadata.Name);
        await Eventually.TrueAsync(async () => await sandbox.OpenWatchesAsync(guard.Token) == 1, "the watch is open again");
    }

    [Fact]
    public async Task WatchAsync_HistoryExpired_ThrowsGoneThenRelistAndWatchSucceeds()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var client = sandbox.Client;
        var ns = await sandbox.NewNamespaceAsync(guard.Token);
        var oldRv = (await client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token)).Metadata.ResourceVersion;
        await client.CreateAsync(Objects.ConfigMap("a", ns), guard.Token);
        sandbox.Server.Faults.ExpireWatchHistory();

        await using var stale = new WatchCollector<ConfigMap>(client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = oldRv }));
        var error = await stale.CompletionAsync();

        var gone = Assert.IsType<GoneException>(error);
        Assert.Equal(410, gone.Code);
        Assert.Equal("Expired", gone.Reason);

        var relist = await client.ListAsync<ConfigMap>(ns, cancellationToken: guard.Token);
        Assert.Equal(["a"], relist.Items.Select(i => i.Metadata.Name));
        await using var fresh = new WatchCollector<ConfigMap>(client.WatchAsync<ConfigMap>(ns, new WatchOptions { ResourceVersion = relist.Metadata.ResourceVersion }));
        await client.CreateAsync(Objects.ConfigMap("b", ns), guard.Token);
        Assert.Equal("b", (await fresh.NextAsync()).Object.Metadata.Name);
    }
}
