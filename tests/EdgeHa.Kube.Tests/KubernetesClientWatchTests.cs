using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Tests.Support;

namespace EdgeHa.Kube.Tests;

/// <summary>The watch half of <see cref="KubernetesClient"/> over real chunked HTTP.</summary>
public sealed class KubernetesClientWatchTests : IAsyncLifetime
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);
    private FakeApiServer _server = null!;
    private readonly List<TimeSpan> _delays = [];

    public async Task InitializeAsync() => _server = await FakeApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private KubernetesClient Client()
    {
        var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = _server.Url.ToString() }, options: new KubeClientOptions { RequestTimeout = TimeSpan.FromSeconds(5), Retry = new KubeRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) } });
        client.DelayAsync = (d, _) =>
        {
            lock (_delays)
            {
                _delays.Add(d);
            }

            return Task.CompletedTask;
        };
        return client;
    }

    private static async Task<List<WatchEvent<T>>> Take<T>(IAsyncEnumerable<WatchEvent<T>> events, int count)
    {
        var list = new List<WatchEvent<T>>();
        await foreach (var e in events)
        {
            list.Add(e);
            if (list.Count == count)
            {
                break;
            }
        }

        return list;
    }

    [Fact]
    public async Task WatchAsync_Options_SendsWatchQuery()
    {
        _server.Handler = (ctx, _) => Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5")]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        await Take(client.WatchAsync<ConfigMap>("ns1", new WatchOptions { ResourceVersion = "3", LabelSelector = "app=x", FieldSelector = "metadata.name=a", TimeoutSeconds = 60 }, cts.Token), 1);

        var request = _server.Requests.First();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/namespaces/ns1/configmaps", request.Path);
        Assert.Equal("?watch=true&resourceVersion=3&allowWatchBookmarks=true&timeoutSeconds=60&labelSelector=app%3Dx&fieldSelector=metadata.name%3Da", request.Query);
    }

    [Fact]
    public async Task WatchAsync_LinesArriveOneByOne_EachEventIsYieldedBeforeTheStreamEnds()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = async (ctx, n) =>
        {
            if (n > 1)
            {
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            }

            await Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5")]);
            await release.Task.WaitAsync(ctx.RequestAborted);
            await Respond.WatchLines(ctx, [Respond.Event("MODIFIED", "ConfigMap", "a", "6")]);
        };
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var events = client.WatchAsync<ConfigMap>("ns1", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.Equal(WatchEventType.Added, events.Current.Type);
        Assert.False(release.Task.IsCompleted); // the server has not finished: the event was parsed as it arrived
        release.SetResult();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(WatchEventType.Modified, events.Current.Type);
        Assert.Equal("6", events.Current.Object.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task WatchAsync_AllEventTypes_AreParsed()
    {
        _server.Handler = (ctx, _) => Respond.WatchLines(ctx,
        [
            Respond.Event("ADDED", "ConfigMap", "a", "5", ""","data":{"k":"v"}"""),
            Respond.Event("MODIFIED", "ConfigMap", "a", "6"),
            Respond.Bookmark("7"),
            Respond.Event("DELETED", "ConfigMap", "a", "8"),
        ]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        var events = await Take(client.WatchAsync<ConfigMap>("ns1", cancellationToken: cts.Token), 4);

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("v", events[0].Object.Data!["k"]);
        Assert.Equal(["5", "6", "7", "8"], events.Select(e => e.ResourceVersion));
    }

    [Fact]
    public async Task WatchAsync_ServerClosesCleanly_ReconnectsFromLastBookmark()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5"), Respond.Bookmark("9")])
            : Respond.WatchLines(ctx, [Respond.Event("MODIFIED", "ConfigMap", "a", "10")]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        var events = await Take(client.WatchAsync<ConfigMap>("ns1", new WatchOptions { ResourceVersion = "1", TimeoutSeconds = 30 }, cts.Token), 3);

        Assert.Equal("10", events[2].ResourceVersion);
        var second = _server.Requests.ElementAt(1);
        Assert.Equal("?watch=true&resourceVersion=9&allowWatchBookmarks=true&timeoutSeconds=30", second.Query);
        Assert.Empty(_delays); // the first stream delivered events: reconnect at once
    }

    [Fact]
    public async Task WatchAsync_ServerClosesWithoutEvents_ReconnectsWithBackoffFromSameVersion()
    {
        _server.Handler = (ctx, n) => n < 3
            ? Respond.WatchLines(ctx, [])
            : Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "12")]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        var events = await Take(client.WatchAsync<ConfigMap>("ns1", new WatchOptions { ResourceVersion = "11" }, cts.Token), 1);

        Assert.Equal("12", events[0].ResourceVersion);
        Assert.All(_server.Requests, r => Assert.Contains("resourceVersion=11", r.Query, StringComparison.Ordinal));
        Assert.Equal(2, _delays.Count);
    }

    [Fact]
    public async Task WatchAsync_ReconnectDisabled_EndsAtClose()
    {
        _server.Handler = (ctx, _) => Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5")]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        var events = await Take(client.WatchAsync<ConfigMap>("ns1", new WatchOptions { Reconnect = false }, cts.Token), 100);

        Assert.Single(events);
        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task WatchAsync_ConnectionDropped_ReconnectsFromLastVersion()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = async (ctx, n) =>
        {
            if (n == 1)
            {
                await Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5")]);
                await firstSeen.Task.WaitAsync(ctx.RequestAborted); // cut the connection only after the line arrived
                ctx.Abort();
                return;
            }

            await Respond.WatchLines(ctx, [Respond.Event("MODIFIED", "ConfigMap", "a", "6")]);
        };
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);
        var events = new List<WatchEvent<ConfigMap>>();

        await foreach (var e in client.WatchAsync<ConfigMap>("ns1", cancellationToken: cts.Token))
        {
            events.Add(e);
            firstSeen.TrySetResult();
            if (events.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["5", "6"], events.Select(e => e.ResourceVersion));
        Assert.Contains("resourceVersion=5", _server.Requests.ElementAt(1).Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_ErrorEventWith410_ThrowsGone()
    {
        _server.Handler = (ctx, _) => Respond.WatchLines(ctx,
        [
            Respond.Event("ADDED", "ConfigMap", "a", "5"),
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}""",
        ]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);
        var seen = new List<WatchEvent<ConfigMap>>();

        var ex = await Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var e in client.WatchAsync<ConfigMap>("ns1", new WatchOptions { ResourceVersion = "1" }, cts.Token))
            {
                seen.Add(e);
            }
        });

        Assert.Single(seen);
        Assert.Equal(410, ex.Code);
        Assert.Contains("too old", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_Http410_ThrowsGoneWithoutRetrying()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 410, Respond.Status(410, "Gone", "too old"));
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        await Assert.ThrowsAsync<GoneException>(() => Take(client.WatchAsync<ConfigMap>("ns1", new WatchOptions { ResourceVersion = "1" }, cts.Token), 1));

        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task WatchAsync_ErrorEventWithOtherStatus_ThrowsTypedException()
    {
        _server.Handler = (ctx, _) => Respond.WatchLines(ctx,
            ["""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"boom","reason":"InternalError","code":500}}"""]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        var ex = await Assert.ThrowsAsync<ServerErrorException>(() => Take(client.WatchAsync<ConfigMap>("ns1", cancellationToken: cts.Token), 1));

        Assert.Equal("boom", ex.Status.Message);
    }

    [Fact]
    public async Task WatchAsync_MalformedLines_AreReportedAndTheStreamGoesOn()
    {
        _server.Handler = (ctx, _) => Respond.WatchLines(ctx,
        [
            Respond.Event("ADDED", "ConfigMap", "a", "5"),
            "this is {not json",
            """{"type":"ADDED"}""",
            """{"type":"EXPLODED","object":{}}""",
            """{"type":"ADDED","object":{"metadata":{"name":7}}}""",
            "",
            Respond.Event("MODIFIED", "ConfigMap", "a", "6"),
        ]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);
        var bad = new List<string>();
        var before = KubeClientMetrics.MalformedWatchLines;

        var events = await Take(client.WatchAsync<ConfigMap>("ns1", new WatchOptions { OnMalformedLine = (line, _) => bad.Add(line) }, cts.Token), 2);

        Assert.Equal(["5", "6"], events.Select(e => e.ResourceVersion));
        Assert.Equal(4, bad.Count);
        Assert.Equal("this is {not json", bad[0]);
        Assert.True(KubeClientMetrics.MalformedWatchLines >= before + 4);
    }

    [Fact]
    public async Task WatchAsync_ConnectFailsWithServerErrors_RetriesThenStreams()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.Json(ctx, 503, Respond.Status(503, "ServiceUnavailable"))
            : Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5")]);
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        var events = await Take(client.WatchAsync<ConfigMap>("ns1", cancellationToken: cts.Token), 1);

        Assert.Single(events);
        Assert.Equal(2, _server.Count);
    }

    [Fact]
    public async Task WatchAsync_CallerCancels_EndsWithOperationCanceled()
    {
        _server.Handler = async (ctx, _) =>
        {
            await Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5")]);
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        };
        using var client = Client();
        using var cts = new CancellationTokenSource(TestTimeout);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in client.WatchAsync<ConfigMap>("ns1", cancellationToken: cts.Token))
            {
                cts.CancelAfter(TimeSpan.FromMilliseconds(50));
            }
        });
    }

    [Fact]
    public async Task WatchAsync_StreamSilentPastIdleTimeout_ReconnectsFromLastVersion()
    {
        _server.Handler = async (ctx, n) =>
        {
            if (n == 1)
            {
                await Respond.WatchLines(ctx, [Respond.Event("ADDED", "ConfigMap", "a", "5")]);
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted); // a half-open connection: nothing more, ever
            }

            await Respond.WatchLines(ctx, [Respond.Event("MODIFIED", "ConfigMap", "a", "6")]);
        };
        using var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = _server.Url.ToString() }, options: new KubeClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using var cts = new CancellationTokenSource(TestTimeout);

        var events = await Take(client.WatchAsync<ConfigMap>("ns1", new WatchOptions { TimeoutSeconds = 1 }, cts.Token), 2);

        Assert.Equal(["5", "6"], events.Select(e => e.ResourceVersion));
        Assert.Contains("resourceVersion=5", _server.Requests.ElementAt(1).Query, StringComparison.Ordinal);
    }
}
