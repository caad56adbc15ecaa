using System.CommandLine;
using EdgeHa.Sandbox.Commands;

// One root command; each sandbox part (apiserver, and later nodes, demo) is a subcommand.
var root = new RootCommand("Edge HA sandbox: a local stand-in for a Kubernetes cluster, for trying and testing the operator")
{
    ApiServerCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
