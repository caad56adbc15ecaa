using System.Net;
using System.Text;
using System.Text.Json;
using EdgeHa.Modbus;
using EdgeHa.ModbusSimulator;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Collector.Tests;

/// <summary>The collector hosted in-process against the simulator hosted in-process, over loopback.</summary>
public sealed class CollectorHostTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly HttpClient _http = new() { Timeout = Timeout };

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    private async Task<SimulatorHost> StartSimulatorAsync(TimeProvider? time = null, int port = 0, string? map = null)
    {
        var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Map = map is null ? SimulatorMap.Default : MapLoader.Parse(map, "test map"),
            BindAddress = IPAddress.Loopback,
            ModbusPort = port,
            HttpPort = null,
            TimeProvider = time ?? TimeProvider.System,
            MinimumLogLevel = LogLevel.Warning,
        });
        _disposables.Add(host);
        return host;
    }

    private async Task<CollectorHost> StartCollectorAsync(int devicePort, Action<CollectorOptions>? configure = null, TimeProvider? time = null, TextWriter? jsonLines = null)
    {
        var options = new CollectorOptions
        {
            DeviceHost = "127.0.0.1",
            DevicePort = devicePort,
            HttpPort = 0,
            HttpBindAddress = IPAddress.Loopback,
            Interval = TimeSpan.FromMilliseconds(50),
            Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0),
            RequestTimeout = TimeSpan.FromSeconds(5), // generous: the first request pays for JIT on a loaded CI machine
            MinimumLogLevel = LogLevel.Warning,
        };
        options.Reads.Add(new ReadBlock(ModbusTable.InputRegisters, 0, 4));
        configure?.Invoke(options);
        var host = await CollectorHost.StartAsync(options, time: time, jsonLinesWriter: jsonLines);
        _disposables.Add(host);
        return host;
    }

    private static string Url(CollectorHost host, string path) => $"http://127.0.0.1:{host.HttpEndPoint.Port}{path}";

    private async Task<List<int>> SampleSequencesAsync(CollectorHost host, string query = "")
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(Url(host, "/samples" + query)));
        return [.. doc.RootElement.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("sequence").GetInt32())];
    }

    private async Task<(HttpStatusCode Status, string Body)> HealthAsync(CollectorHost host)
    {
        using var response = await _http.GetAsync(Url(host, "/healthz"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting until {what}");
            }
        }
    }

    [Fact]
    public async Task Active_PublishesSamplesWithDeviceSequenceAndIsHealthy()
    {
        var simTime = new FakeTimeProvider();
        var sim = await StartSimulatorAsync(simTime);
        var time = new FakeTimeProvider();
        var collector = await StartCollectorAsync(sim.ModbusEndPoint.Port, time: time);
        await WaitUntilAsync(async () => (await SampleSequencesAsync(collector)).Count == 1, "the first poll is published");

        simTime.Advance(TimeSpan.FromMilliseconds(100));
        await collector.Engine.PollOnceAsync(CancellationToken.None);
        simTime.Advance(TimeSpan.FromMilliseconds(300));
        await collector.Engine.PollOnceAsync(CancellationToken.None);

        Assert.Equal([0, 1, 4], await SampleSequencesAsync(collector));
        Assert.Equal([4], await SampleSequencesAsync(collector, "?after=1"));
        using var all = JsonDocument.Parse(await _http.GetStringAsync(Url(collector, "/samples?afterSample=2")));
        var sample = Assert.Single(all.RootElement.GetProperty("samples").EnumerateArray());
        Assert.Equal((3, 0), (sample.GetProperty("sample").GetInt64(), sample.GetProperty("epoch").GetInt64()));
        // input 0 sequence, 1-2 uptime seconds, 3 sine: 1000 * sin(2π * 0.4 s / 60 s) = 42.
        Assert.Equal([4, 0, 0, 42], sample.GetProperty("values").GetProperty("input:0:4").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("active", all.RootElement.GetProperty("role").GetString());

        using var last = JsonDocument.Parse(await _http.GetStringAsync(Url(collector, "/published/last")));
        Assert.Equal((3, 4), (last.RootElement.GetProperty("sample").GetInt64(), last.RootElement.GetProperty("sequence").GetInt32()));

        var health = await HealthAsync(collector);
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("ok: active, the device answered 0 ms ago\n", health.Body);
        var metrics = await PrometheusScrape.GetAsync(_http, new Uri(Url(collector, "/metrics")));
        Assert.Equal(3, metrics.Value("edgeha_collector_samples_published_total"));
        Assert.Equal(3, metrics.Value("edgeha_collector_poll_duration_seconds_count"));
        Assert.Equal(1, metrics.Value("edgeha_collector_role{role=\"active\"}"));
        Assert.Equal(0, metrics.Value("edgeha_collector_role{role=\"standby\"}"));
        Assert.Equal(4, metrics.Value("edgeha_collector_device_sequence"));
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.ContainsKey("otel_scope_name"));
        Assert.DoesNotContain(metrics.Samples, s => s.Name == "target_info");
    }

    [Fact]
    public async Task Samples_AfterAcrossSequenceWrap_ReturnsWhatFollows()
    {
        var simTime = new FakeTimeProvider();
        var sim = await StartSimulatorAsync(simTime);
        simTime.Advance(TimeSpan.FromMilliseconds(100 * 65533));
        var collector = await StartCollectorAsync(sim.ModbusEndPoint.Port, time: new FakeTimeProvider());
        await WaitUntilAsync(async () => (await SampleSequencesAsync(collector)).Count == 1, "the first poll is published");

        for (var i = 0; i < 4; i++)
        {
            simTime.Advance(TimeSpan.FromMilliseconds(100));
            await collector.Engine.PollOnceAsync(CancellationToken.None);
        }

        Assert.Equal([65533, 65534, 65535, 0, 1], await SampleSequencesAsync(collector));
        Assert.Equal([65535, 0, 1], await SampleSequencesAsync(collector, "?after=65534"));
        Assert.Equal([1], await SampleSequencesAsync(collector, "?after=0"));
        Assert.Equal([65533, 65534], await SampleSequencesAsync(collector, "?after=60000&limit=2"));
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(Url(collector, "/samples?after=70000"))).StatusCode);
    }

    [Fact]
    public async Task Standby_BuffersWithoutPublishingUntilPromotedThenReplaysAfterTheGivenSequence()
    {
        var simTime = new FakeTimeProvider();
        var sim = await StartSimulatorAsync(simTime);
        var collector = await StartCollectorAsync(sim.ModbusEndPoint.Port, o => o.Role = CollectorRole.Standby, new FakeTimeProvider());
        await WaitUntilAsync(() => Task.FromResult(collector.Engine.Buffer.Count == 1), "the first poll is buffered");
        for (var i = 0; i < 3; i++)
        {
            simTime.Advance(TimeSpan.FromMilliseconds(100));
            await collector.Engine.PollOnceAsync(CancellationToken.None);
        }

        Assert.Empty(await SampleSequencesAsync(collector));
        Assert.Equal(HttpStatusCode.OK, (await HealthAsync(collector)).Status);
        using (var last = JsonDocument.Parse(await _http.GetStringAsync(Url(collector, "/published/last"))))
        {
            Assert.Equal(JsonValueKind.Null, last.RootElement.GetProperty("sequence").ValueKind);
        }

        using var promote = await _http.PostAsync(Url(collector, "/promote?after=1"), null);
        using var result = JsonDocument.Parse(await promote.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal(2, result.RootElement.GetProperty("replayed").GetInt32());
        Assert.Equal(3, result.RootElement.GetProperty("lastPublished").GetProperty("sequence").GetInt32());
        Assert.Equal([2, 3], await SampleSequencesAsync(collector));
        Assert.Equal("{\"role\":\"active\"}", await _http.GetStringAsync(Url(collector, "/role")));
    }

    [Fact]
    public async Task PutRole_ChangesRoleAndRejectsUnknownRoles()
    {
        var sim = await StartSimulatorAsync(new FakeTimeProvider());
        var collector = await StartCollectorAsync(sim.ModbusEndPoint.Port, o => o.Role = CollectorRole.Stopped, new FakeTimeProvider());

        var health = await HealthAsync(collector);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "role is stopped: not polling the device\n"), health);
        Assert.Null(await collector.Engine.PollOnceAsync(CancellationToken.None));

        using var bad = await _http.PutAsync(Url(collector, "/role"), new StringContent("leader"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        using var put = await _http.PutAsync(Url(collector, "/role"), new StringContent("active"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await collector.Engine.PollOnceAsync(CancellationToken.None);
        Assert.Single(await SampleSequencesAsync(collector));
        Assert.Equal(HttpStatusCode.OK, (await HealthAsync(collector)).Status);

        using var standby = await _http.PutAsync(Url(collector, "/role"), new StringContent("standby"));
        await collector.Engine.PollOnceAsync(CancellationToken.None);
        Assert.Single(await SampleSequencesAsync(collector));
        Assert.Equal(2, collector.Engine.Buffer.Count);
    }

    [Fact]
    public async Task Health_DeviceOutageAndReturn_TurnsUnhealthyThenHealthyWithoutRestart()
    {
        var sim = await StartSimulatorAsync();
        var port = sim.ModbusEndPoint.Port;
        var collector = await StartCollectorAsync(port, o => o.StaleAfter = TimeSpan.FromMilliseconds(300));
        await WaitUntilAsync(async () => (await HealthAsync(collector)).Status == HttpStatusCode.OK, "healthy");

        await sim.DisposeAsync();
        await WaitUntilAsync(async () => (await HealthAsync(collector)).Status == HttpStatusCode.ServiceUnavailable, "unhealthy after the device went away");
        var body = (await HealthAsync(collector)).Body;
        Assert.Matches(@"^active: the device last answered \d+ ms ago \(stale after 300 ms\); last error: connection: ", body);
        Assert.True(collector.Engine.Metrics.Errors(PollErrorKind.Connection) > 0);

        await StartSimulatorAsync(port: port);
        await WaitUntilAsync(async () => (await HealthAsync(collector)).Status == HttpStatusCode.OK, "healthy after the device came back");
    }

    [Fact]
    public async Task Metrics_InjectedExceptions_AreCountedByCodeAndNeverStopPolling()
    {
        const string map = """
            units:
              - unit: 1
                inputRegisters: [{ start: 0, count: 10 }]
                exceptions: [{ table: input, address: 2, code: 4 }]
            """;
        var sim = await StartSimulatorAsync(map: map);
        var collector = await StartCollectorAsync(sim.ModbusEndPoint.Port, time: new FakeTimeProvider());
        await WaitUntilAsync(() => Task.FromResult(collector.Engine.Metrics.Polls >= 1), "the first poll");
        await collector.Engine.PollOnceAsync(CancellationToken.None);

        var metrics = await PrometheusScrape.GetAsync(_http, new Uri(Url(collector, "/metrics")));

        Assert.Equal(2, metrics.Value("edgeha_collector_poll_errors_total{kind=\"exception\",code=\"4\"}"));
        Assert.Equal(0, metrics.Value("edgeha_collector_samples_published_total"));
        var health = await HealthAsync(collector);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        Assert.StartsWith("active: the device has not answered yet; last error: exception: Modbus exception 04", health.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buffer_IsBoundedByConfiguredSeconds()
    {
        var sim = await StartSimulatorAsync(new FakeTimeProvider());
        var time = new FakeTimeProvider();
        var collector = await StartCollectorAsync(sim.ModbusEndPoint.Port, o => { o.BufferSeconds = 1; o.Interval = TimeSpan.FromMilliseconds(100); }, time);
        await WaitUntilAsync(() => Task.FromResult(collector.Engine.Metrics.Polls >= 1), "the first poll");

        for (var i = 0; i < 30; i++)
        {
            await collector.Engine.PollOnceAsync(CancellationToken.None);
        }

        Assert.Equal(11, collector.Engine.Buffer.Capacity);
        Assert.Equal(11, collector.Engine.Buffer.Count);
        Assert.Equal(31, collector.Engine.Metrics.SamplesPublished);
    }

    [Fact]
    public async Task StdoutJsonLines_WritesOneParsableLinePerPublishedSample()
    {
        var sim = await StartSimulatorAsync(new FakeTimeProvider());
        var lines = new StringWriter(new StringBuilder());
        var collector = await StartCollectorAsync(sim.ModbusEndPoint.Port, o => o.StdoutJsonLines = true, new FakeTimeProvider(), TextWriter.Synchronized(lines));
        await WaitUntilAsync(() => Task.FromResult(collector.Engine.Metrics.SamplesPublished >= 1), "the first sample");
        await collector.Engine.PollOnceAsync(CancellationToken.None);
        await collector.DisposeAsync();

        var parsed = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();

        Assert.Equal([1L, 2], parsed.Select(d => d.RootElement.GetProperty("sample").GetInt64()));
        Assert.All(parsed, d => Assert.Equal(0, d.RootElement.GetProperty("sequence").GetInt32()));
    }
}
