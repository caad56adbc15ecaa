using EdgeHa.Agent;
using EdgeHa.Fencing;
using EdgeHa.Hosting;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using Microsoft.Extensions.Logging;

AgentOptions options;
try
{
    options = AgentOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"edgeha-agent: {e.Message}");
    Console.Error.WriteLine(AgentOptions.Usage);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
var config = options.Kubeconfig is { } path ? KubeConfigLoader.FromKubeConfigFiles([path]) : KubeConfigLoader.Load();
using var client = new KubernetesClient(config, loggerFactory.CreateLogger<KubernetesClient>());
await using var holder = new LeaseHolder(client, options.Lease, static () => null, logger: loggerFactory.CreateLogger<LeaseHolder>());
using var child = new ChildProcess(options.Command, options.Arguments);
using var runner = new LeaseGatedRunner(holder, child, options.StopGrace, logger: loggerFactory.CreateLogger<LeaseGatedRunner>());

using var stop = new ShutdownSignal();
await runner.RunAsync(stop.Token);
return 0;
