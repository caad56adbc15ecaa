using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes;

namespace EdgeHa.Demo.Infrastructure;

/// <summary>
/// Crash and restore simulated nodes by annotating their Node objects, so a running sandbox (make demo-up) is driven
/// with kubectl or the demo's <c>node</c> command from another shell: <c>sandbox.edgeha.io/power: off|on</c> asks,
/// <c>sandbox.edgeha.io/power-state</c> answers once done.
/// </summary>
public sealed class NodePower(SandboxCluster cluster, IKubernetesClient client, Action<string> say)
{
    public const string PowerAnnotation = "sandbox.edgeha.io/power";
    public const string StateAnnotation = "sandbox.edgeha.io/power-state";

    /// <summary>Acts on the annotations until cancelled.</summary>
    public async Task RunAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ApplyOnceAsync(cancellationToken);
                await Task.Delay(period, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
            {
                say($"node power: {e.Message}");
                await Task.Delay(period, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async Task ApplyOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var node in cluster.Nodes)
        {
            var obj = await client.TryGetAsync<Node>(node.Name, cancellationToken: cancellationToken);
            var wanted = obj?.Metadata.Annotations is { } a && a.TryGetValue(PowerAnnotation, out var v) ? v : null;
            var state = obj?.Metadata.Annotations is { } b && b.TryGetValue(StateAnnotation, out var s) ? s : null;
            if (wanted == "off" && !node.IsCrashed)
            {
                await node.CrashAsync();
                say($"node {node.Name} crashed");
            }
            else if (wanted == "on" && node.IsCrashed)
            {
                await node.RestoreAsync(cancellationToken);
                say($"node {node.Name} restored");
            }

            var now = node.IsCrashed ? "off" : "on";
            if (wanted is not null && state != now)
            {
                await client.PatchAsync<Node>(node.Name, KubePatch.Merge(new { metadata = new { annotations = new Dictionary<string, string> { [StateAnnotation] = now } } }), cancellationToken: cancellationToken);
            }
        }
    }

    /// <summary>The client side: asks for <paramref name="power"/> ("off" or "on") and waits until the sandbox says it is done.</summary>
    public static async Task RequestAsync(IKubernetesClient client, string node, string power, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.PatchAsync<Node>(node, KubePatch.Merge(new { metadata = new { annotations = new Dictionary<string, string> { [PowerAnnotation] = power } } }), cancellationToken: cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var obj = await client.GetAsync<Node>(node, cancellationToken: limit.Token);
                if (obj.Metadata.Annotations is { } a && a.TryGetValue(StateAnnotation, out var s) && s == power)
                {
                    return;
                }

                await Task.Delay(200, limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the sandbox did not confirm power {power} of node {node} within {timeout.TotalSeconds} s (is `make demo-up` running?)");
        }
    }
}
