using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// Lets anyone with API access pull the plug on a simulated node: setting the Node annotation
/// <c>sandbox.edgeha.io/power</c> to <c>off</c> crashes it, <c>on</c> restores it
/// (<c>kubectl annotate node node-a sandbox.edgeha.io/power=off --overwrite</c>). Acts only when the value changes,
/// so crashes started from code are not undone. This is the simulation's switch, not something a kubelet does.
/// </summary>
internal sealed class NodePowerSwitch
{
    public const string PowerAnnotation = "sandbox.edgeha.io/power";

    private readonly IReadOnlyList<SimulatedNode> _nodes;
    private readonly ILogger _logger;
    private readonly ResourceInformer<Node> _informer;
    private readonly Dictionary<string, string?> _seen = new(StringComparer.Ordinal);
    private readonly Signal _changed = new();
    private readonly TimeProvider _time;

    public NodePowerSwitch(IKubernetesClient client, IReadOnlyList<SimulatedNode> nodes, TimeProvider time, ILogger logger)
    {
        _nodes = nodes;
        _time = time;
        _logger = logger;
        _informer = new ResourceInformer<Node>(client, null, null, null, time, logger, (_, _) => _changed.Set());
    }

    /// <summary>Starts watching; returns once the current annotations are known (a change after this is acted on).</summary>
    public async Task<Task[]> StartAsync(CancellationToken ct)
    {
        var informer = Task.Run(() => _informer.RunAsync(ct), CancellationToken.None);
        await _informer.WaitSyncedAsync(ct);
        foreach (var node in _nodes)
        {
            _seen[node.Name] = _informer.Get(null, node.Name)?.Metadata.Annotations?.ValueOrNull(PowerAnnotation);
        }

        return [informer, Task.Run(() => LoopAsync(ct), CancellationToken.None)];
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _changed.WaitAsync(TimeSpan.FromSeconds(5), _time, ct);
                foreach (var node in _nodes)
                {
                    var value = _informer.Get(null, node.Name)?.Metadata.Annotations?.ValueOrNull(PowerAnnotation);
                    var first = !_seen.TryGetValue(node.Name, out var previous);
                    _seen[node.Name] = value;
                    if (first || value == previous)
                    {
                        continue;
                    }

                    if (value == "off" && node.IsRunning)
                    {
                        Log.PowerSwitch(_logger, node.Name, "off");
                        await node.CrashAsync();
                    }
                    else if (value == "on" && node.IsCrashed)
                    {
                        Log.PowerSwitch(_logger, node.Name, "on");
                        await node.RestoreAsync(ct);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped
        }
    }
}
