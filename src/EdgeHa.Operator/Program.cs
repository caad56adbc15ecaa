using EdgeHa.Hosting;
using EdgeHa.Operator.Hosting;

var parsed = OperatorCommandLine.Parse(args);
if (parsed.Finish(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var options = parsed.Options!;

using var loggerFactory = LoggerFactory.Create(b => b
    .SetMinimumLevel(options.LogLevel)
    .AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        o.UseUtcTimestamp = true;
    }));
var logger = loggerFactory.CreateLogger("EdgeHa.Operator");

using var shutdown = new ShutdownSignal();

OperatorHost host;
try
{
    host = await OperatorHost.StartAsync(options, loggerFactory, shutdown.Token);
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    logger.LogCritical(e, "The operator could not start");
    return 1;
}

await using (host)
{
    logger.LogInformation("Operator {Identity} started (leader election {LeaderElect}, health {Health}, metrics {Metrics}, namespace {Namespace})",
        host.Identity, options.LeaderElect, options.HealthProbeBindAddress, options.MetricsBindAddress, string.IsNullOrEmpty(options.Namespace) ? "<all>" : options.Namespace);
    try
    {
        await Task.WhenAny(host.Completion, Task.Delay(Timeout.Infinite, shutdown.Token));
    }
    catch (OperationCanceledException)
    {
        // Shutting down.
    }

    await host.StopAsync();
}

return 0;
