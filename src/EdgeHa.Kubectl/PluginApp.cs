using System.Net.Sockets;
using EdgeHa.Kube;
using EdgeHa.Kubectl.Cli;
using EdgeHa.Kubectl.Commands;

namespace EdgeHa.Kubectl;

/// <summary>
/// The plugin from arguments to exit code: parse, build the client, run the command, and turn every failure into
/// a message on stderr that says why and what to do. Tests run it in-process with their own client and writers.
/// </summary>
internal static class PluginApp
{
    /// <param name="args">The arguments as kubectl passes them (without the plugin name).</param>
    /// <param name="stdout">Results.</param>
    /// <param name="stderr">Errors, warnings and notes.</param>
    /// <param name="clientFactory">Builds the API client for the parsed flags; default: <see cref="KubeClientFactory.Create"/>.</param>
    /// <param name="time">The clock for ages and waits.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        Func<Invocation, IKubernetesClient>? clientFactory = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var parsed = CommandLineParser.Parse(args);
        if (parsed.Help)
        {
            // The plugin's own pages (examples, the equivalent YAML) rather than System.CommandLine's generated help.
            await stdout.WriteAsync(HelpText.For(CommandLineParser.KindOf(parsed.Command)));
            return ExitCodes.Ok;
        }

        if (parsed.Finish(stdout, stderr) is { } usageError)
        {
            return usageError;
        }

        var invocation = parsed.Options!;
        if (invocation.Command == CommandKind.Version)
        {
            await stdout.WriteLineAsync($"kubectl-edgeha {KubeClientFactory.Version}");
            return ExitCodes.Ok;
        }

        IKubernetesClient? client = null;
        try
        {
            client = (clientFactory ?? KubeClientFactory.Create)(invocation);
            var ctx = new CommandContext(client, stdout, stderr, time ?? TimeProvider.System, invocation.AllNamespaces ? null : invocation.Namespace ?? client.DefaultNamespace);
            return await RunCommandAsync(ctx, invocation, cancellationToken);
        }
        catch (CommandFailedException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
        }
        catch (k8s.Exceptions.KubeConfigException ex)
        {
            await stderr.WriteLineAsync($"error: no usable kubeconfig: {ex.Message}");
            await stderr.WriteLineAsync("Point to one with --kubeconfig FILE or the KUBECONFIG variable, and choose a context with --context NAME.");
        }
        catch (UnauthorizedException ex)
        {
            await stderr.WriteLineAsync($"error: the API server did not accept the credentials of the kubeconfig: {ex.Status.Message}");
        }
        catch (ForbiddenException ex)
        {
            await stderr.WriteLineAsync($"error: not allowed: {ex.Status.Message}");
            await stderr.WriteLineAsync("Ask for RBAC access to redundantpairs.edgeha.io (get, list, patch) and events.events.k8s.io (list, watch).");
        }
        catch (KubernetesApiException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or TimeoutException)
        {
            var server = (client as KubernetesClient)?.Configuration.Host ?? "the API server";
            await stderr.WriteLineAsync($"error: cannot reach {server}: {ex.Message}");
            await stderr.WriteLineAsync("Check that the cluster is up and that the kubeconfig context points at it (kubectl cluster-info).");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A plugin prints a reason, never a stack trace: anything unforeseen still ends as exit 1 with its message.
            await stderr.WriteLineAsync($"error: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }

        return ExitCodes.Failed;
    }

    private static Task<int> RunCommandAsync(CommandContext ctx, Invocation inv, CancellationToken cancellationToken) => inv.Command switch
    {
        CommandKind.Status => StatusCommand.RunAsync(ctx, inv.Pair, inv.Output, cancellationToken),
        CommandKind.Switchover => SwitchoverCommand.RunAsync(ctx, inv.Pair!, inv.To!, inv.Force, inv.Wait ? inv.WaitTimeout : null, cancellationToken),
        CommandKind.Pause => PauseCommand.RunAsync(ctx, inv.Pair!, pause: true, cancellationToken),
        CommandKind.Resume => PauseCommand.RunAsync(ctx, inv.Pair!, pause: false, cancellationToken),
        CommandKind.Events => EventsCommand.RunAsync(ctx, inv.Pair, inv.Watch, cancellationToken),
        _ => throw new InvalidOperationException($"no handler for {inv.Command}"),
    };
}
