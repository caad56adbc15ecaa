using EdgeHa.Hosting;
using EdgeHa.Kubectl;

// kubectl runs `kubectl-edgeha` from PATH for `kubectl edgeha ...`, passing the remaining arguments verbatim.
// The first Ctrl+C ends the command cleanly (a watch returns 0); a second one kills the process.
using var interrupted = new ShutdownSignal();
return await PluginApp.RunAsync(args, Console.Out, Console.Error, cancellationToken: interrupted.Token);
