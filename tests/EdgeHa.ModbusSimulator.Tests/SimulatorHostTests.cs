using System.Net;
using System.Text.Json;
using EdgeHa.Modbus;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.ModbusSimulator.Tests;

public sealed class SimulatorHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private SimulatorHost _host = null!;
    private ModbusTcpClient _client = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Map = MapLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "samples", "simulator-map.yaml")),
            BindAddress = IPAddress.Loopback,
            ModbusPort = 0,
            HttpPort = 0,
            TimeProvider = _time,
            MinimumLogLevel = LogLevel.Warning,
        });
        _client = new ModbusTcpClient(new ModbusClientOptions { Host = "127.0.0.1", Port = _host.ModbusEndPoint.Port, RequestTimeout = TimeSpan.FromSeconds(5) });
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.HttpEndPoint!.Port}"), Timeout = Timeout };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _client.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_PortZero_BindsRealPorts()
    {
        Assert.NotEqual(0, _host.ModbusEndPoint.Port);
        Assert.NotEqual(0, _host.HttpEndPoint!.Port);
        Assert.Equal("ok", (await _http.GetStringAsync("/healthz")).Split(':')[0]);
    }

    [Fact]
    public async Task Client_ReadsSequenceAndTypedValuesOverLoopback()
    {
        _time.Advance(TimeSpan.FromMilliseconds(1234));

        var input = await _client.ReadInputRegistersAsync(1, 0, 20).WaitAsync(Timeout);

        Assert.Equal(12, input[0]);
        Assert.Equal(1u, ModbusValues.GetUInt32(input.AsSpan(1, 2)));
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), ModbusValues.GetUInt32(input.AsSpan(3, 2)));
        var t = ModbusValues.GetSingle(input.AsSpan(10, 2));
        Assert.InRange(t, 16.5f, 26.5f);
        Assert.Equal(t, ModbusValues.GetSingle(input.AsSpan(12, 2), WordOrder.LittleEndian));
        Assert.Equal(100007, ModbusValues.GetInt32(input.AsSpan(16, 2)));
    }

    [Fact]
    public async Task Client_WritesAndReadsBackHoldingRegistersAndCoils()
    {
        await _client.WriteMultipleRegistersAsync(1, 20, [1, 2, 3]).WaitAsync(Timeout);
        await _client.WriteSingleCoilAsync(1, 9, true).WaitAsync(Timeout);

        var registers = await _client.ReadHoldingRegistersAsync(1, 20, 3).WaitAsync(Timeout);
        var coils = await _client.ReadCoilsAsync(1, 9, 2).WaitAsync(Timeout);

        Assert.Equal([(ushort)1, (ushort)2, (ushort)3], registers);
        Assert.Equal([true, false], coils);
    }

    [Theory]
    [InlineData(100, ModbusExceptionCode.IllegalDataAddress)]
    [InlineData(50, ModbusExceptionCode.ServerDeviceFailure)]
    public async Task Client_ReadOfMissingOrFaultyAddress_ThrowsTypedException(ushort address, ModbusExceptionCode code)
    {
        var e = await Assert.ThrowsAsync<ModbusException>(() => _client.ReadHoldingRegistersAsync(1, address, 1).WaitAsync(Timeout));

        Assert.Equal(code, e.ExceptionCode);
    }

    [Fact]
    public async Task Client_WriteToReadOnlyRange_ThrowsIllegalDataAddress()
    {
        var e = await Assert.ThrowsAsync<ModbusException>(() => _client.WriteSingleRegisterAsync(1, 1000, 5).WaitAsync(Timeout));

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, e.ExceptionCode);
    }

    [Fact]
    public async Task Client_ReadOfDropAddress_LosesConnectionAndReconnects()
    {
        await Assert.ThrowsAnyAsync<IOException>(() => _client.ReadInputRegistersAsync(1, 199, 1).WaitAsync(Timeout));

        Assert.Equal(2, (await _client.ReadInputRegistersAsync(1, 1, 2).WaitAsync(Timeout)).Length);
        Assert.Equal(1, (await PrometheusScrape.GetAsync(_http, new Uri("/metrics", UriKind.Relative))).Value("edgeha_simulator_injected_drops_total"));
    }

    [Fact]
    public async Task Metrics_CountsRequestsByFunctionAndExceptionAndConnections()
    {
        await _client.ReadHoldingRegistersAsync(1, 0, 1).WaitAsync(Timeout);
        await _client.ReadHoldingRegistersAsync(1, 0, 1).WaitAsync(Timeout);
        await Assert.ThrowsAsync<ModbusException>(() => _client.ReadHoldingRegistersAsync(1, 100, 1).WaitAsync(Timeout));

        using var response = await _http.GetAsync("/metrics");
        var scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(2, scrape.Value("edgeha_simulator_requests_total{function=\"3\",function_name=\"ReadHoldingRegisters\",exception=\"none\"}"));
        Assert.Equal(1, scrape.Value("edgeha_simulator_requests_total{function=\"3\",function_name=\"ReadHoldingRegisters\",exception=\"2\"}"));
        Assert.Equal(1, scrape.Value("edgeha_simulator_connections_opened_total"));
        Assert.Equal(1, scrape.Value("edgeha_simulator_connections"));
        Assert.Equal("counter", scrape.Types["edgeha_simulator_requests_total"]);
        Assert.NotNull(scrape.Value("edgeha_simulator_uptime_seconds"));
    }

    [Fact]
    public async Task Values_ShowsDecodedMappedValues()
    {
        _time.Advance(TimeSpan.FromSeconds(2));

        using var doc = JsonDocument.Parse(await _http.GetStringAsync("/values"));

        var values = doc.RootElement.GetProperty("units")[0].GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.Equal(20, values["sequence"].GetProperty("value").GetInt32());
        Assert.Equal("EDGE-SIM-01", values["model"].GetProperty("value").GetString());
        Assert.Equal(1.25, values["gain"].GetProperty("value").GetDouble());
        Assert.True(values["running"].GetProperty("value").GetBoolean());
        Assert.Equal("1000-1019 (read-only)", doc.RootElement.GetProperty("units")[0].GetProperty("ranges").GetProperty("holding")[1].GetString());
    }

    [Fact]
    public async Task Registers_ReturnsRawRunOrExplainsWhy()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync("/registers?unit=1&table=holding&address=0&count=2"));
        Assert.Equal([unchecked((ushort)-40), (ushort)0], doc.RootElement.GetProperty("values").EnumerateArray().Select(v => v.GetUInt16()));

        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/registers?table=holding&address=95&count=10")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/registers?unit=7&table=holding")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/registers?table=bogus")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/registers?table=coil&count=0")).StatusCode);
    }
}
