using EdgeHa.Kubectl;

// kubectl runs `kubectl-edgeha` from PATH for `kubectl edgeha ...`, passing the remaining arguments verbatim.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the command cleanly (a watch returns 0); a second one kills the process.
    e.Cancel = !interrupted.IsCancellationRequested;
    interrupted.Cancel();
};
return await PluginApp.RunAsync(args, Console.Out, Console.Error, cancellationToken: interrupted.Token);
