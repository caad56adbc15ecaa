using EdgeHa.Controller.Informers;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using static EdgeHa.Controller.Tests.FakeListerWatcher;

namespace EdgeHa.Controller.Tests;

public sealed class InformerTests : IAsyncDisposable
{
    private readonly FakeListerWatcher _lw = new();
    private readonly RecordingHandler _handler = new();
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(60));
    private Task? _run;

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        _cts.Dispose();
    }

    [Fact]
    public async Task RunAsync_InitialList_FillsCacheDeliversAddsAndSyncs()
    {
        _lw.Items = () => new([Obj("a", "5"), Obj("b", "6")], "10");
        var informer = Start();

        Assert.True(await informer.WaitForCacheSyncAsync(_cts.Token));

        Assert.True(informer.HasSynced);
        Assert.Equal(["add:default/a@5", "add:default/b@6"], _handler.Calls);
        Assert.Equal(2, _handler.InitialAdds);
        Assert.Equal("5", informer.Store.Get("default", "a")!.Metadata.ResourceVersion);
        Assert.Equal("10", (await _lw.NextSessionAsync()).ResourceVersion);
    }

    [Fact]
    public async Task RunAsync_WatchEvents_UpdateCacheAndNotify()
    {
        _lw.Items = () => new([Obj("a", "5")], "10");
        var informer = Start();
        var watch = await _lw.NextSessionAsync();

        watch.Send(WatchEventType.Added, Obj("b", "11"));
        watch.Send(WatchEventType.Modified, Obj("a", "12"));
        watch.Send(WatchEventType.Deleted, Obj("b", "13"));
        await Wait.UntilAsync(() => _handler.Calls.Count == 4, "four notifications");

        Assert.Equal(["add:default/a@5", "add:default/b@11", "update:default/a@5->12", "delete:default/b@11"], _handler.Calls);
        Assert.Equal(["default/a"], informer.Store.ListKeys());
        Assert.Equal("13", informer.LastSyncResourceVersion);
    }

    [Fact]
    public async Task RunAsync_WatchClosedCleanly_RewatchesFromLastResourceVersionWithoutRelist()
    {
        _lw.Items = () => new([], "10");
        Start();
        var first = await _lw.NextSessionAsync();
        first.Send(WatchEventType.Added, Obj("a", "11"));
        first.Send(WatchEventType.Bookmark, new KubernetesObject { Metadata = new ObjectMeta { ResourceVersion = "15" } });

        first.Close();
        var second = await _lw.NextSessionAsync();

        Assert.Equal("15", second.ResourceVersion);
        Assert.Equal(1, _lw.ListCalls);
        Assert.Equal(["add:default/a@11"], _handler.Calls); // the bookmark notified nobody
    }

    [Fact]
    public async Task RunAsync_Gone_RelistsAndDeliversDeletesForVanishedObjects()
    {
        _lw.Items = () => new([Obj("a", "5"), Obj("b", "6"), Obj("c", "7")], "10");
        var informer = Start();
        var watch = await _lw.NextSessionAsync();
        await Wait.UntilAsync(() => informer.HasSynced, "sync");

        // While we were away: b was deleted, c changed, d was created; the server expired our resourceVersion.
        _lw.Items = () => new([Obj("a", "5"), Obj("c", "20"), Obj("d", "21")], "30");
        watch.Fail(new GoneException(new Status { Code = 410, Reason = "Expired" }));
        var rewatch = await _lw.NextSessionAsync();

        Assert.Equal("30", rewatch.ResourceVersion);
        Assert.Equal(2, _lw.ListCalls);
        Assert.Equal(
            ["add:default/a@5", "add:default/b@6", "add:default/c@7", "update:default/a@5->5", "update:default/c@7->20", "add:default/d@21", "delete:default/b@6"],
            _handler.Calls);
        Assert.Equal(["default/a", "default/c", "default/d"], informer.Store.ListKeys().Order());
        Assert.Equal(3, _handler.InitialAdds); // d arrived after the initial list
    }

    [Fact]
    public async Task RunAsync_WatchError_BacksOffAndRewatchesFromLastResourceVersion()
    {
        _lw.Items = () => new([], "10");
        Start();
        var first = await _lw.NextSessionAsync();
        first.Send(WatchEventType.Added, Obj("a", "11"));

        first.Fail(new HttpRequestException("connection reset"));
        var second = await _lw.NextSessionAsync();

        Assert.Equal("11", second.ResourceVersion);
        Assert.Equal(1, _lw.ListCalls);
    }

    [Fact]
    public async Task RunAsync_ListFails_RetriesUntilItSucceeds()
    {
        _lw.ListErrors.Enqueue(new HttpRequestException("refused"));
        _lw.ListErrors.Enqueue(new HttpRequestException("refused"));
        _lw.Items = () => new([Obj("a", "1")], "2");
        var informer = Start();

        Assert.True(await informer.WaitForCacheSyncAsync(_cts.Token));

        Assert.Equal(3, _lw.ListCalls);
        Assert.Equal(["add:default/a@1"], _handler.Calls);
    }

    [Fact]
    public async Task RunAsync_WatchClosesAtOnceWithoutEvents_BacksOffBeforeRewatching()
    {
        _lw.Items = () => new([], "10");
        var informer = new Informer<KubernetesObject>(_lw, new InformerOptions
        {
            InitialBackoff = TimeSpan.FromSeconds(2),
            MaxBackoff = TimeSpan.FromSeconds(4),
            MinWatchDuration = TimeSpan.FromSeconds(5),
        });
        _run = informer.RunAsync(_cts.Token);
        var first = await _lw.NextSessionAsync();

        first.Close();

        await Task.Delay(50);
        Assert.False(_lw.Sessions.Reader.TryRead(out _), "re-watched without backing off");
        Assert.Equal("10", (await _lw.NextSessionAsync()).ResourceVersion);
    }

    [Fact]
    public async Task RunAsync_ResyncPeriod_RedeliversCachedObjectsAsUpdates()
    {
        _lw.Items = () => new([Obj("a", "5")], "10");
        var informer = new Informer<KubernetesObject>(_lw, Options(resync: TimeSpan.FromMilliseconds(10)));
        informer.AddEventHandler(_handler);
        _run = informer.RunAsync(_cts.Token);

        await Wait.UntilAsync(() => _handler.Calls.Contains("update:default/a@5->5"), "a resync update");

        Assert.Equal(1, _lw.ListCalls);
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_InformerAndOtherHandlersGoOn()
    {
        _lw.Items = () => new([], "10");
        var informer = new Informer<KubernetesObject>(_lw, Options());
        informer.AddEventHandler(new ResourceEventHandler<KubernetesObject>(onAdd: _ => throw new InvalidOperationException("boom")));
        informer.AddEventHandler(_handler);
        _run = informer.RunAsync(_cts.Token);
        var watch = await _lw.NextSessionAsync();

        watch.Send(WatchEventType.Added, Obj("a", "11"));
        watch.Send(WatchEventType.Added, Obj("b", "12"));

        await Wait.UntilAsync(() => _handler.Calls.Count == 2, "both adds");
        Assert.Equal(2, informer.Store.Count);
    }

    [Fact]
    public async Task AddEventHandler_AfterSync_ReplaysCachedObjectsAsAdds()
    {
        _lw.Items = () => new([Obj("a", "5")], "10");
        var informer = new Informer<KubernetesObject>(_lw, Options());
        _run = informer.RunAsync(_cts.Token);
        await informer.WaitForCacheSyncAsync(_cts.Token);

        informer.AddEventHandler(_handler);

        Assert.Equal(["add:default/a@5"], _handler.Calls);
    }

    [Fact]
    public async Task WaitForCacheSyncAsync_CancelledBeforeSync_ReturnsFalse()
    {
        var informer = new Informer<KubernetesObject>(_lw, Options());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        Assert.False(await informer.WaitForCacheSyncAsync(cts.Token));
    }

    [Fact]
    public async Task RunAsync_Cancelled_Returns()
    {
        _lw.Items = () => new([], "10");
        var informer = Start();
        await _lw.NextSessionAsync();

        await _cts.CancelAsync();

        await _run!.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static InformerOptions Options(TimeSpan? resync = null) => new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(1),
        MaxBackoff = TimeSpan.FromMilliseconds(10),
        MinWatchDuration = TimeSpan.Zero,
        ResyncPeriod = resync ?? TimeSpan.Zero,
    };

    private Informer<KubernetesObject> Start()
    {
        var informer = new Informer<KubernetesObject>(_lw, Options());
        informer.AddEventHandler(_handler);
        _run = informer.RunAsync(_cts.Token);
        return informer;
    }
}
