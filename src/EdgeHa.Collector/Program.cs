using EdgeHa.Collector;
using EdgeHa.Hosting;

// Exit codes: 0 after a clean shutdown, 2 for bad arguments or a bad config file, 1 for any other start-up failure
// (with --once: 1 when the device did not answer).
var parsed = CollectorCommandLine.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.Finish(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var options = parsed.Options!;

if (options.Once)
{
    return await CollectorOnce.RunAsync(options, Console.Out, Console.Error);
}

try
{
    // On SIGTERM (kubelet), SIGINT or SIGQUIT: stop polling, let the sinks acknowledge what is queued, release the
    // Lease with the last acknowledged sequence (disposing the host does all three, in that order), exit 0.
    using var shutdown = new ShutdownSignal();
    await using var roles = options.UseLease ? LeaseRoleSourceFactory.Create(options) : null;
    await using var host = await CollectorHost.StartAsync(options, roles);
    await host.WaitForShutdownAsync(shutdown.Token);
    return 0;
}
catch (MqttSettingsException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (IOException e)
{
    Console.Error.WriteLine($"error: cannot listen: {e.Message}");
    return 1;
}
catch (k8s.Exceptions.KubeConfigException e)
{
    Console.Error.WriteLine($"error: the lease role needs access to the Kubernetes API: {e.Message}");
    return 1;
}
