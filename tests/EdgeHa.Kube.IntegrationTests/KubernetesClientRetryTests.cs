using System.Diagnostics;
using System.Net;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary>Retries of <see cref="KubernetesClient"/> against faults injected by the sandbox (each test has its own server).</summary>
public sealed class KubernetesClientRetryTests
{
    [Fact]
    public async Task GetAsync_Injected503WithRetryAfter_RetriedAfterTheHintAndSucceeds()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var (client, recorder) = CountingClient(sandbox);
        using var _ = client;
        sandbox.Server.Faults.ErrorStatusCode = 503;
        sandbox.Server.Faults.RetryAfterSeconds = 1;
        sandbox.Server.Faults.ErrorRate = 1;
        recorder.OnFailure = _ => sandbox.Server.Faults.Reset(); // one injected failure, then healthy

        var stopwatch = Stopwatch.StartNew();
        var ns = await client.GetAsync<Namespace>("default", cancellationToken: guard.Token);

        Assert.Equal("default", ns.Metadata.Name);
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], recorder.Codes);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retry-After 1 s was not honoured: retried after {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task CreateAsync_Injected429WithRetryAfter_RetriedOnceAndCreatedOnce()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var (client, recorder) = CountingClient(sandbox);
        using var _ = client;
        sandbox.Server.Faults.ErrorStatusCode = 429;
        sandbox.Server.Faults.RetryAfterSeconds = 1;
        sandbox.Server.Faults.ErrorRate = 1;
        recorder.OnFailure = _ => sandbox.Server.Faults.Reset();

        var created = await client.CreateAsync(Objects.ConfigMap("throttled", "default"), guard.Token);

        Assert.Equal("throttled", created.Metadata.Name);
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.Created], recorder.Codes);
        Assert.Single((await client.ListAsync<ConfigMap>("default", new ListOptions { FieldSelector = "metadata.name=throttled" }, guard.Token)).Items);
    }

    [Fact]
    public async Task GetAsync_Random500s_RetriedWithBackoffUntilEveryCallSucceeds()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync(o => o.Seed = 7);
        var (client, recorder) = CountingClient(sandbox);
        using var _ = client;
        sandbox.Server.Faults.ErrorStatusCode = 500;
        sandbox.Server.Faults.ErrorRate = 0.3;

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("default", (await client.GetAsync<Namespace>("default", cancellationToken: guard.Token)).Metadata.Name);
        }

        Assert.Equal(20, recorder.Codes.Count(c => c == HttpStatusCode.OK));
        Assert.Contains(HttpStatusCode.InternalServerError, recorder.Codes);
    }

    [Fact]
    public async Task CreateAsync_Injected500_NotRetriedBecausePostIsUnsafe()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var (client, recorder) = CountingClient(sandbox);
        using var _ = client;
        sandbox.Server.Faults.ErrorStatusCode = 500;
        sandbox.Server.Faults.ErrorRate = 1;

        var ex = await Assert.ThrowsAsync<ServerErrorException>(() => client.CreateAsync(Objects.ConfigMap("x", "default"), guard.Token));

        Assert.Equal(500, ex.Code);
        Assert.Equal([HttpStatusCode.InternalServerError], recorder.Codes);
    }

    [Fact]
    public async Task PatchAsync_InjectedConflict_SurfacesAsConflictWithoutRetry()
    {
        using var guard = Eventually.Guard();
        await using var sandbox = await TestSandbox.StartAsync();
        var (client, recorder) = CountingClient(sandbox);
        using var _ = client;
        await client.CreateAsync(Objects.ConfigMap("cm", "default"), guard.Token);
        sandbox.Server.Faults.ConflictRate = 1;

        var ex = await Assert.ThrowsAsync<ConflictException>(() =>
            client.PatchAsync<ConfigMap>("cm", KubePatch.Merge(new { data = new { key = "v2" } }), "default", guard.Token));
        Assert.Equal(409, ex.Code);
        Assert.Equal(1, recorder.Codes.Count(c => c == HttpStatusCode.Conflict));

        sandbox.Server.Faults.Reset();
        var patched = await client.PatchAsync<ConfigMap>("cm", KubePatch.Merge(new { data = new { key = "v2" } }), "default", guard.Token);
        Assert.Equal("v2", patched.Data!["key"]);
    }

    private static (KubernetesClient Client, RecordingHandler Recorder) CountingClient(TestSandbox sandbox)
    {
        var path = Path.Combine(sandbox.Directory, "config");
        var recorder = new RecordingHandler();
        return (TestSandbox.NewClient(KubeConfigLoader.FromKubeConfigFiles([path]), recorder), recorder);
    }

    /// <summary>Records the status code of every attempt the client makes.</summary>
    private sealed class RecordingHandler : DelegatingHandler
    {
        private readonly Lock _gate = new();
        private readonly List<HttpStatusCode> _codes = [];

        public Action<HttpStatusCode>? OnFailure { get; set; }

        public IReadOnlyList<HttpStatusCode> Codes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _codes];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (_gate)
            {
                _codes.Add(response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                OnFailure?.Invoke(response.StatusCode);
            }

            return response;
        }
    }
}
