using System.Globalization;
using System.Net;
using System.Text.Json;
using EdgeHa.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry.Metrics;

namespace EdgeHa.Collector;

/// <summary>
/// A running collector: the poll loop and the HTTP endpoints (/healthz, /metrics, /samples, /published/last,
/// /role, /promote). Start it in-process with <see cref="StartAsync"/> (tests, demo, sandbox) or through Program.
/// </summary>
public sealed class CollectorHost : IAsyncDisposable
{
    /// <summary>Most samples one <c>GET /samples</c> returns.</summary>
    public const int MaxSamplesPerRequest = 10_000;

    private readonly WebApplication _web;
    private readonly MeterProvider _meterProvider;
    private readonly IDeviceReader _reader;
    /// <summary>How long a stop waits for the sinks to acknowledge what is queued before the lease is released.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A stop gives up waiting for the sinks when none acknowledged anything for this long.</summary>
    public static readonly TimeSpan FlushStallTimeout = TimeSpan.FromSeconds(1);

    private readonly ModbusGateway? _gateway;
    private readonly CancellationTokenSource _stopPolling = new();
    private readonly CancellationTokenSource _stopLease = new();
    private readonly Task _loop;
    private readonly Task _lease;
    private readonly ILogger _logger;
    private int _disposed;

    private CollectorHost(CollectorEngine engine, WebApplication web, MeterProvider meterProvider, IPEndPoint httpEndPoint, IDeviceReader reader, ModbusGateway? gateway, MqttSampleSink? mqtt, ILogger logger)
    {
        _meterProvider = meterProvider;
        _gateway = gateway;
        Mqtt = mqtt;
        Engine = engine;
        _web = web;
        HttpEndPoint = httpEndPoint;
        _reader = reader;
        _logger = logger;
        _loop = Task.Run(() => engine.RunAsync(_stopPolling.Token));

        // With the lease role the holder runs beside the poll loop; stopping it releases the lease.
        _lease = engine.Roles is LeaseRoleSource lease ? Task.Run(() => lease.RunAsync(_stopLease.Token)) : Task.CompletedTask;
    }

    public CollectorEngine Engine { get; }

    /// <summary>The MQTT sink, when <see cref="CollectorOptions.MqttBroker"/> is set.</summary>
    public MqttSampleSink? Mqtt { get; }

    /// <summary>The Modbus gateway's end point, when <see cref="CollectorOptions.ModbusGatewayPort"/> is set.</summary>
    public IPEndPoint? ModbusGatewayEndPoint => _gateway?.LocalEndPoint;

    /// <summary>The bound HTTP end point (the real port when 0 was asked for).</summary>
    public IPEndPoint HttpEndPoint { get; }

    /// <summary>Completes when the host is asked to stop (SIGTERM / Ctrl+C when run as a program).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _web.WaitForShutdownAsync(cancellationToken);

    /// <summary>
    /// Starts polling and serving HTTP. <paramref name="roles"/> defaults to a <see cref="ManualRoleSource"/> at
    /// <see cref="CollectorOptions.Role"/>; <paramref name="reader"/> defaults to a Modbus TCP client for the device.
    /// </summary>
    public static async Task<CollectorHost> StartAsync(
        CollectorOptions options,
        IRoleSource? roles = null,
        TimeProvider? time = null,
        IDeviceReader? reader = null,
        TextWriter? jsonLinesWriter = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is [var first, ..])
        {
            throw new ArgumentException(first, nameof(options));
        }

        roles ??= new ManualRoleSource(options.Role);
        reader ??= ModbusDeviceReader.Create(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // With JSON lines on stdout, logs go to stderr so stdout stays machine-readable.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        if (options.StdoutJsonLines)
        {
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.HttpBindAddress, options.HttpPort));
        var web = builder.Build();
        var logger = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeHa.Collector");
        var stdout = options.StdoutJsonLines ? new JsonLinesSampleSink(jsonLinesWriter ?? Console.Out) : null;
        var gateway = options.ModbusGatewayPort is null ? null : new ModbusGateway(options, roles);
        var mqtt = options.MqttBroker is null ? null : MqttSampleSink.Start(options, logger, time);
        ISampleSink[] sinks = [.. new ISampleSink?[] { stdout, mqtt }.OfType<ISampleSink>()];
        var engine = new CollectorEngine(options, reader, roles, time, logger, sinks, gateway is null ? [] : [gateway]);
        (roles as LeaseRoleSource)?.Attach(engine);
        var meterProvider = PrometheusMetrics.CreateProvider([engine.Metrics.Meter]);
        MapEndpoints(web, engine, meterProvider);
        try
        {
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
            if (gateway is not null)
            {
                await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync().ConfigureAwait(false);
            }

            await engine.DisposeAsync().ConfigureAwait(false);
            if (mqtt is not null)
            {
                await mqtt.DisposeAsync().ConfigureAwait(false);
            }

            await web.DisposeAsync().ConfigureAwait(false);
            meterProvider.Dispose();
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var endPoint = new IPEndPoint(options.HttpBindAddress, new Uri(address).Port);
        Log.Started(logger, $"{options.DeviceHost}:{options.DevicePort}", options.UnitId, options.Interval.TotalMilliseconds, roles.Current, endPoint.ToString());
        return new CollectorHost(engine, web, meterProvider, endPoint, reader, gateway, mqtt, logger);
    }

    /// <summary>
    /// Stops gracefully: stops polling, waits (up to <see cref="FlushTimeout"/>) for the sinks to acknowledge what is
    /// queued while still acting, then releases the lease, which records the last acknowledged sequence, and stops.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopPolling.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await FlushWhileProgressingAsync().ConfigureAwait(false);

        await _stopLease.CancelAsync().ConfigureAwait(false);
        await _lease.ConfigureAwait(false);
        Log.Stopped(_logger, Engine.LastPublished?.Sequence?.ToString(CultureInfo.InvariantCulture) ?? "none");
        await Engine.DisposeAsync().ConfigureAwait(false);
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _meterProvider.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync().ConfigureAwait(false);
        }

        if (Mqtt is not null)
        {
            await Mqtt.DisposeAsync().ConfigureAwait(false);
        }

        await _reader.DisposeAsync().ConfigureAwait(false);
        _stopPolling.Dispose();
        _stopLease.Dispose();
    }

    /// <summary>
    /// Waits for the sinks to acknowledge what is queued, for at most <see cref="FlushTimeout"/>, and gives up early
    /// when nothing was acknowledged for <see cref="FlushStallTimeout"/> (a broker that is away or refuses us): a
    /// stop, often a planned switchover, should not wait for a sink that is not delivering.
    /// </summary>
    private async Task FlushWhileProgressingAsync()
    {
        var deadline = DateTime.UtcNow + FlushTimeout;
        var flushed = Engine.FlushAsync();
        while (!flushed.IsCompleted)
        {
            var before = Engine.LastPublished;
            var wait = TimeSpan.FromTicks(Math.Min(FlushStallTimeout.Ticks, Math.Max(0, (deadline - DateTime.UtcNow).Ticks)));
            await Task.WhenAny(flushed, Task.Delay(wait)).ConfigureAwait(false);
            if (!flushed.IsCompleted && (ReferenceEquals(before, Engine.LastPublished) || DateTime.UtcNow >= deadline))
            {
                Log.FlushTimedOut(_logger, Engine.PublishQueueDepth, FlushTimeout.TotalMilliseconds);
                return;
            }
        }
    }

    private static void MapEndpoints(WebApplication web, CollectorEngine engine, MeterProvider meterProvider)
    {
        web.MapGet("/healthz", () =>
        {
            var state = engine.GetState();
            return Results.Text(state.Reason + "\n", "text/plain", statusCode: state.Healthy ? 200 : 503);
        });

        web.MapPrometheusMetrics(meterProvider);

        web.MapGet("/samples", (HttpRequest request) =>
        {
            var q = request.Query;
            var limit = MaxSamplesPerRequest;
            if (q.ContainsKey("limit") && (!int.TryParse(q["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxSamplesPerRequest))
            {
                return Results.BadRequest($"limit must be 1..{MaxSamplesPerRequest}\n");
            }

            IReadOnlyList<Sample> samples;
            if (q.ContainsKey("after"))
            {
                if (engine.Options.Sequence is null)
                {
                    return Results.BadRequest("after= needs a device sequence register (--sequence); use afterSample= for local sample numbers\n");
                }

                if (!int.TryParse(q["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var after) || after > 65535)
                {
                    return Results.BadRequest("after must be a sequence number 0..65535\n");
                }

                samples = engine.Buffer.PublishedAfterSequence(after, limit);
            }
            else if (q.ContainsKey("afterSample"))
            {
                if (!long.TryParse(q["afterSample"], NumberStyles.None, CultureInfo.InvariantCulture, out var afterSample))
                {
                    return Results.BadRequest("afterSample must be a sample number\n");
                }

                samples = engine.Buffer.PublishedAfterNumber(afterSample, limit);
            }
            else
            {
                samples = engine.Buffer.PublishedAfterNumber(null, limit);
            }

            return Json(json =>
            {
                json.WriteStartObject();
                json.WriteString("role", CollectorCommandLine.RoleName(engine.Roles.Current));
                json.WriteStartArray("samples");
                foreach (var sample in samples)
                {
                    SampleJson.Write(json, sample);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
        });

        web.MapGet("/published/last", () => Json(json => WriteLastPublished(json, engine.LastPublished)));

        web.MapGet("/role", () => Json(json =>
        {
            json.WriteStartObject();
            json.WriteString("role", CollectorCommandLine.RoleName(engine.Roles.Current));
            json.WriteEndObject();
        }));

        web.MapPut("/role", async (HttpRequest request) =>
        {
            using var body = new StreamReader(request.Body);
            var text = (await body.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false)).Trim().Trim('"');
            if (!CollectorCommandLine.TryParseRole(text, out var role))
            {
                return Results.BadRequest($"the body must be active, standby or stopped, not '{text}'\n");
            }

            if (engine.Roles is not IRoleController controller)
            {
                return Results.Text("the role is managed by a role source that does not take requests\n", "text/plain", statusCode: 409);
            }

            controller.SetRole(role);
            return Results.Text($"{CollectorCommandLine.RoleName(engine.Roles.Current)}\n");
        });

        web.MapPost("/promote", async (HttpRequest request) =>
        {
            long? after = null;
            if (request.Query.ContainsKey("after"))
            {
                if (!long.TryParse(request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return Results.BadRequest("after must be a sequence number (the device's 0..65535, or unwrapped)\n");
                }

                after = value;
            }

            try
            {
                var result = await engine.PromoteAsync(after, request.HttpContext.RequestAborted).ConfigureAwait(false);
                return Json(json =>
                {
                    json.WriteStartObject();
                    json.WriteNumber("replayed", result.Replayed);
                    json.WritePropertyName("lastPublished");
                    WriteLastPublished(json, result.LastPublished);
                    json.WriteEndObject();
                });
            }
            catch (InvalidOperationException e)
            {
                return Results.Text(e.Message + "\n", "text/plain", statusCode: 409);
            }
        });
    }

    private static void WriteLastPublished(Utf8JsonWriter json, Sample? last)
    {
        json.WriteStartObject();
        if (last is null)
        {
            json.WriteNull("sample");
            json.WriteNull("sequence");
            json.WriteNull("timestamp");
        }
        else
        {
            json.WriteNumber("sample", last.Number);
            if (last.Sequence is { } s)
            {
                json.WriteNumber("sequence", s);
            }
            else
            {
                json.WriteNull("sequence");
            }

            json.WriteString("timestamp", last.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }

        json.WriteEndObject();
    }

    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return Results.Bytes(buffer.ToArray(), "application/json");
    }
}
