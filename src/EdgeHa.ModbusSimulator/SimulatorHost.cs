using System.Net;
using System.Text.Json;
using EdgeHa.Hosting;
using EdgeHa.Modbus;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry.Metrics;

namespace EdgeHa.ModbusSimulator;

/// <summary>
/// A running simulator: the Modbus TCP server over the device, and the HTTP endpoints (/healthz, /metrics,
/// /values, /registers). Start it in-process with <see cref="StartAsync"/> (tests, demo, sandbox) or through Program.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly ModbusTcpServer _modbus;
    private readonly WebApplication? _web;
    private readonly MeterProvider _meterProvider;
    private readonly ILogger _logger;
    private int _disposed;

    private SimulatorHost(SimulatorDevice device, SimulatorMetrics metrics, MeterProvider meterProvider, ModbusTcpServer modbus, WebApplication? web, IPEndPoint? httpEndPoint, ILogger logger)
    {
        _meterProvider = meterProvider;
        Device = device;
        Metrics = metrics;
        _modbus = modbus;
        _web = web;
        HttpEndPoint = httpEndPoint;
        _logger = logger;
    }

    public SimulatorDevice Device { get; }

    public SimulatorMetrics Metrics { get; }

    /// <summary>The bound Modbus TCP end point (the real port when 0 was asked for).</summary>
    public IPEndPoint ModbusEndPoint => _modbus.LocalEndPoint;

    /// <summary>The bound HTTP end point, or null when HTTP is disabled.</summary>
    public IPEndPoint? HttpEndPoint { get; }

    /// <summary>Completes when the HTTP host is asked to stop (SIGTERM / Ctrl+C when run as a program).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        _web is null ? Task.Delay(Timeout.Infinite, cancellationToken) : _web.WaitForShutdownAsync(cancellationToken);

    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var device = new SimulatorDevice(options.Map, options.TimeProvider);
        var metrics = new SimulatorMetrics(() => device.Uptime);
        var meterProvider = PrometheusMetrics.CreateProvider([metrics.Meter]);
        var modbus = new ModbusTcpServer(
            new SimulatorRequestHandler(device, metrics),
            new ModbusServerOptions
            {
                Address = options.BindAddress,
                Port = options.ModbusPort,
                IdleTimeout = options.IdleTimeout,
                MaxConnections = options.MaxConnections,
            },
            metrics);
        await modbus.StartAsync(cancellationToken).ConfigureAwait(false);

        WebApplication? web = null;
        IPEndPoint? httpEndPoint = null;
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Services.AddSingleton(device);
            builder.Services.AddSingleton(metrics);
            if (options.HttpPort is { } httpPort)
            {
                builder.WebHost.ConfigureKestrel(k => k.Listen(options.BindAddress, httpPort));
            }
            else
            {
                builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
            }

            web = builder.Build();
            MapEndpoints(web, device, meterProvider, modbus);
            if (options.HttpPort is not null)
            {
                await web.StartAsync(cancellationToken).ConfigureAwait(false);
                var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                httpEndPoint = new IPEndPoint(options.BindAddress, new Uri(address).Port);
            }
            else
            {
                await web.DisposeAsync().ConfigureAwait(false);
                web = null;
            }
        }
        catch
        {
            if (web is not null)
            {
                await web.DisposeAsync().ConfigureAwait(false);
            }

            await modbus.DisposeAsync().ConfigureAwait(false);
            meterProvider.Dispose();
            metrics.Dispose();
            throw;
        }

        var logger = web?.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeHa.ModbusSimulator") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var host = new SimulatorHost(device, metrics, meterProvider, modbus, web, httpEndPoint, logger);
        Log.Started(logger, options.Map.Units.Count, host.ModbusEndPoint.ToString(), httpEndPoint?.ToString() ?? "disabled");
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _modbus.StopAsync().ConfigureAwait(false);
        await _modbus.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger);
        if (_web is not null)
        {
            await _web.StopAsync().ConfigureAwait(false);
            await _web.DisposeAsync().ConfigureAwait(false);
        }

        _meterProvider.Dispose();
        Metrics.Dispose();
    }

    private static void MapEndpoints(WebApplication web, SimulatorDevice device, MeterProvider meterProvider, ModbusTcpServer modbus)
    {
        web.MapGet("/healthz", () => Results.Text($"ok: serving Modbus TCP on {modbus.LocalEndPoint}\n"));
        web.MapPrometheusMetrics(meterProvider);
        web.MapGet("/values", () => Json(json => RegisterReadout.WriteValues(json, device)));
        web.MapGet("/registers", (HttpRequest request) =>
        {
            var q = request.Query;
            if (!TableNames.TryParse(q["table"], out var table))
            {
                return Results.BadRequest("table must be coil, discrete, holding or input\n");
            }

            if (!byte.TryParse(q["unit"].FirstOrDefault() ?? "1", out var unit)
                || !int.TryParse(q["address"].FirstOrDefault() ?? "0", out var address) || address is < 0 or > 65535
                || !int.TryParse(q["count"].FirstOrDefault() ?? "1", out var count) || count < 1 || count > RegisterReadout.MaxCount || address + count > 65536)
            {
                return Results.BadRequest($"unit must be 0..255, address 0..65535 and count 1..{RegisterReadout.MaxCount} within the address space\n");
            }

            string? error = null;
            var result = Json(json => error = RegisterReadout.WriteRaw(json, device, unit, table, address, count));
            return error is null ? result : Results.NotFound(error + "\n");
        });
    }

    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(json);
        }

        return Results.Bytes(buffer.ToArray(), "application/json");
    }
}
