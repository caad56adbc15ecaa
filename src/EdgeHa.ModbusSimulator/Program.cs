using EdgeHa.Hosting;
using EdgeHa.ModbusSimulator;

// Exit codes: 0 after a clean shutdown, 2 for bad arguments or a bad map, 1 for any other start-up failure.
if (!SimulatorCommandLine.TryParse(args, out var options, out var error, Environment.GetEnvironmentVariable))
{
    if (error.Length == 0)
    {
        Console.Out.Write(SimulatorCommandLine.Usage);
        return 0;
    }

    Console.Error.WriteLine($"error: {error}");
    Console.Error.Write(SimulatorCommandLine.Usage);
    return 2;
}

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
