using EdgeHa.Hosting;
using EdgeHa.ModbusSimulator;

// Exit codes: 0 after a clean shutdown, 2 for bad arguments or a bad map, 1 for any other start-up failure.
var parsed = SimulatorCommandLine.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.Finish(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var options = parsed.Options!;

try
{
    using var shutdown = new ShutdownSignal();
    await using var host = await SimulatorHost.StartAsync(options);
    await host.WaitForShutdownAsync(shutdown.Token);
    return 0;
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"error: cannot listen: {e.Message}");
    return 1;
}
catch (IOException e)
{
    Console.Error.WriteLine($"error: cannot listen: {e.Message}");
    return 1;
}
