using System.Runtime.InteropServices;
using EdgeHa.Demo;
using EdgeHa.Demo.Scenario;

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
using var shutdown = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await new DemoApp(ConsoleUi.ForConsole(), TimeProvider.System).RunAsync(command, shutdown.Token);
