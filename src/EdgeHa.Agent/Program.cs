using EdgeHa.Agent;
using EdgeHa.Fencing;
using EdgeHa.Hosting;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using Microsoft.Extensions.Logging;

var parsed = AgentCommandLine.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.Finish(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var options = parsed.Options!;

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
var config = options.Kubeconfig is { } path ? KubeConfigLoader.FromKubeConfigFiles([path]) : KubeConfigLoader.Load();
using var client = new KubernetesClient(config, loggerFactory.CreateLogger<KubernetesClient>());
await using var holder = new LeaseHolder(client, options.Lease, static () => null, logger: loggerFactory.CreateLogger<LeaseHolder>());
using var child = new ChildProcess(options.Command, options.Arguments);
using var runner = new LeaseGatedRunner(holder, child, options.StopGrace, logger: loggerFactory.CreateLogger<LeaseGatedRunner>());

using var stop = new ShutdownSignal();
await runner.RunAsync(stop.Token);
return 0;
