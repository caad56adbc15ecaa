using EdgeHa.Demo;
using EdgeHa.Demo.Scenario;
using EdgeHa.Hosting;

var parsed = DemoCommandLine.Parse(args);
if (parsed.Finish(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

// Ctrl-C and SIGTERM stop the demo cleanly: every step is cancelled and every process it started is stopped.
using var shutdown = new ShutdownSignal();
return await new DemoApp(ConsoleUi.ForConsole(), TimeProvider.System).RunAsync(parsed.Options!, shutdown.Token);
