using EdgeHa.Kubectl.Cli;
using EdgeHa.Kubectl.Output;

namespace EdgeHa.Kubectl.Commands;

/// <summary><c>kubectl edgeha status [PAIR]</c>: one pair in detail, or a table of all pairs.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(CommandContext ctx, string? pairName, OutputFormat output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var now = ctx.Time.GetUtcNow();
        if (pairName is not null)
        {
            var pair = await PairClient.GetAsync(ctx.Client, ctx.RequiredNamespace, pairName, cancellationToken);
            var summary = PairSummary.From(pair);
            if (output == OutputFormat.Json)
            {
                StatusFormatter.WriteJson(ctx.Out, summary);
            }
            else
            {
                StatusFormatter.WriteDetail(ctx.Out, summary, now);
            }

            return ExitCodes.Ok;
        }

        var pairs = (await PairClient.ListAsync(ctx.Client, ctx.Namespace, cancellationToken)).Select(PairSummary.From).ToList();
        if (output == OutputFormat.Json)
        {
            StatusFormatter.WriteJson(ctx.Out, pairs);
        }
        else if (pairs.Count == 0)
        {
            // As kubectl get: the empty result is a note on stderr, not an error.
            await ctx.Error.WriteLineAsync(ctx.Namespace is null
                ? "No RedundantPairs found."
                : $"No RedundantPairs found in namespace \"{ctx.Namespace}\".");
        }
        else
        {
            StatusFormatter.WriteTable(ctx.Out, pairs, withNamespace: ctx.Namespace is null, now);
        }

        return ExitCodes.Ok;
    }
}
