using System.Net;
using System.Text.Json.Nodes;
using EdgeHa.Sandbox.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Sandbox.Tests;

public sealed class SandboxFaultsTests
{
    private const string Cms = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task ErrorRate_SameSeed_SameSequenceOfFailures()
    {
        async Task<string> Pattern()
        {
            await using var h = await SandboxHarness.StartAsync(o => o.ConfigureFaults = f => { f.ErrorRate = 0.5; f.Seed = 42; });
            var codes = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                codes.Add((int)(await h.GetAsync(Cms)).Status);
            }

            return string.Join(',', codes);
        }

        var first = await Pattern();

        Assert.Equal(first, await Pattern());
        Assert.Contains("500", first, StringComparison.Ordinal);
        Assert.Contains("200", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorRate_429_CarriesRetryAfterAndStatusBody()
    {
        await using var h = await SandboxHarness.StartAsync(o => o.ConfigureFaults = f => { f.ErrorRate = 1; f.ErrorStatusCode = 429; f.RetryAfterSeconds = 2; });

        var r = await h.GetAsync(Cms);

        Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), r.RetryAfter);
        Assert.Equal("TooManyRequests", r.Str(".reason"));
        Assert.Equal("2", r.Str(".details.retryAfterSeconds"));
        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync("/api/v1")).Status);
    }

    [Fact]
    public async Task ConflictRate_One_UpdatesFailButReadsSucceed()
    {
        await using var h = await SandboxHarness.StartAsync();
        var cm = await h.CreateConfigMapAsync("a");
        h.Server.Faults.ConflictRate = 1;

        var update = await h.PutAsync(Cms + "/a", cm);
        var patch = await h.PatchAsync(Cms + "/a", SandboxHarness.Json("""{"data":{"x":"y"}}"""));

        Assert.Equal(HttpStatusCode.Conflict, update.Status);
        Assert.Equal(HttpStatusCode.Conflict, patch.Status);
        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync(Cms + "/a")).Status);
    }

    [Fact]
    public async Task Latency_DelaysRequestsOnTheInjectedClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var h = await SandboxHarness.StartAsync(o => o.TimeProvider = time);
        h.Server.Faults.Latency = TimeSpan.FromSeconds(30);

        var pending = h.GetAsync(Cms);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);
        for (var i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAny(pending, Task.Delay(50));
        }

        Assert.Equal(HttpStatusCode.OK, (await pending.WaitAsync(TimeSpan.FromSeconds(5))).Status);
    }

    [Fact]
    public async Task DropWatches_EndsOpenWatchStreams()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var w = await h.WatchAsync($"{Cms}?watch=1&resourceVersion={h.Server.ResourceVersion}");

        h.Server.Faults.DropWatches();

        Assert.Null(await w.NextAsync());
    }

    [Fact]
    public async Task ExpireWatchHistory_OldResumePointGets410()
    {
        await using var h = await SandboxHarness.StartAsync();
        var rv = h.Server.ResourceVersion;
        await h.CreateConfigMapAsync("a");

        h.Server.Faults.ExpireWatchHistory();
        using var w = await h.WatchAsync($"{Cms}?watch=1&resourceVersion={rv}");

        Assert.Equal(410, (await w.NextAsync())!["object"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task AdminEndpoint_SetsAndResetsFaults()
    {
        await using var h = await SandboxHarness.StartAsync();

        var set = await h.PostAsync("/sandbox/faults", SandboxHarness.Json("""{"errorRate":1,"errorStatusCode":503,"retryAfterSeconds":3}"""));
        var failed = await h.GetAsync(Cms);
        await h.PostAsync("/sandbox/faults/reset", new JsonObject());
        var ok = await h.GetAsync(Cms);

        Assert.Equal("503", set.Str(".errorStatusCode"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), failed.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
    }

    [Fact]
    public async Task AdminEndpoint_DropWatchesAndSeed()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var w = await h.WatchAsync($"{Cms}?watch=1&resourceVersion={h.Server.ResourceVersion}");

        var seeded = await h.PostAsync("/sandbox/objects", SandboxHarness.Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seeded","namespace":"default"}}"""));
        Assert.Equal("ADDED", (await w.NextAsync())!["type"]!.GetValue<string>());
        await h.PostAsync("/sandbox/faults/drop-watches", new JsonObject());

        Assert.Equal(HttpStatusCode.Created, seeded.Status);
        Assert.Null(await w.NextAsync());
    }
}
