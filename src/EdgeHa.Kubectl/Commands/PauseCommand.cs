using System.Text.Json.Nodes;
using EdgeHa.Kube;

namespace EdgeHa.Kubectl.Commands;

/// <summary><c>kubectl edgeha pause|resume PAIR</c>: a merge patch of spec.paused.</summary>
internal static class PauseCommand
{
    public static async Task<int> RunAsync(CommandContext ctx, string pairName, bool pause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var ns = ctx.RequiredNamespace;
        var pair = await PairClient.GetAsync(ctx.Client, ns, pairName, cancellationToken);
        var display = PairClient.Display(pairName);
        if (pair.Spec.Paused == pause)
        {
            await ctx.Out.WriteLineAsync($"{display} is already {(pause ? "paused" : "running (not paused)")}; nothing to change");
            return ExitCodes.Ok;
        }

        var patch = new JsonObject { ["spec"] = new JsonObject { ["paused"] = pause } };
        await PairClient.PatchAsync(ctx.Client, ns, pairName, KubePatch.Merge(patch), cancellationToken);
        await ctx.Out.WriteLineAsync(pause
            ? $"{display} paused: the operator takes no automatic action until: kubectl edgeha resume {pairName}"
            : $"{display} resumed: automatic failover and fail-back are active again");
        return ExitCodes.Ok;
    }
}
