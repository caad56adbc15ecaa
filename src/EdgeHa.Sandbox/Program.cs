using EdgeHa.Hosting;
using EdgeHa.Sandbox.Commands;

// One root command; each sandbox part (apiserver, and later nodes, demo) is a subcommand, whose action runs the part.
var root = ProgramCommandLine.Root("edgeha-sandbox", "Edge HA sandbox: a local stand-in for a Kubernetes cluster, for trying and testing the operator");
root.Add(ApiServerCommand.Create());
var parsed = ProgramCommandLine.Parse(root, args, (result, errors) =>
{
    if (result.CommandResult.Command == root)
    {
        errors.Add("no command given");
    }

    return result;
});
if (parsed.Finish(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

return await parsed.Options!.InvokeAsync();
