using EdgeHa.Demo;
using EdgeHa.Demo.Scenario;
using EdgeHa.Hosting;

var (command, error) = DemoCommandLine.Parse(args);
if (command is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.Write(DemoCommandLine.Usage);
    return ExitCodes.Usage;
}

if (command.Kind == DemoCommandKind.Help)
{
    Console.Out.Write(DemoCommandLine.Usage);
    return ExitCodes.Passed;
}

// Ctrl-C and SIGTERM stop the demo cleanly: every step is cancelled and every process it started is stopped.
using var shutdown = new ShutdownSignal();
return await new DemoApp(ConsoleUi.ForConsole(), TimeProvider.System).RunAsync(command, shutdown.Token);
