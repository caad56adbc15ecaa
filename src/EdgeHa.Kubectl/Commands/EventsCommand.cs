using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kubectl.Output;

namespace EdgeHa.Kubectl.Commands;

/// <summary>
/// <c>kubectl edgeha events [PAIR] [--watch]</c>: the events.k8s.io/v1 Events about pairs and the objects the
/// operator makes for them, oldest first; with --watch, new ones as they come until cancelled.
/// </summary>
internal static class EventsCommand
{
    private static readonly ResourceType EventType = ResourceType.Of<Event>();

    public static async Task<int> RunAsync(CommandContext ctx, string? pairName, bool watch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var pairs = pairName is null
            ? await PairClient.ListAsync(ctx.Client, ctx.Namespace, cancellationToken)
            : [await PairClient.GetAsync(ctx.Client, ctx.RequiredNamespace, pairName, cancellationToken)];
        var ns = pairName is null ? ctx.Namespace : ctx.RequiredNamespace;
        var filter = new PairEventFilter(pairs, anyPair: pairName is null);
        var withNamespace = ns is null;

        var list = await ctx.Client.ListAllAsync<Event>(EventType, ns, cancellationToken: cancellationToken);
        var matching = EventFormatter.Sort(list.Items.Where(filter.Matches)).ToList();
        var now = ctx.Time.GetUtcNow();
        var table = EventFormatter.CreateTable(withNamespace);
        foreach (var e in matching)
        {
            table.AddRow(EventFormatter.Cells(e, now, withNamespace));
        }

        if (matching.Count > 0 || watch)
        {
            table.Write(ctx.Out);
        }

        if (matching.Count == 0 && !watch)
        {
            await ctx.Error.WriteLineAsync(pairName is not null
                ? $"No events found for redundantpair {ns}/{pairName}."
                : ns is null ? "No events found for any RedundantPair." : $"No events found for the RedundantPairs in namespace \"{ns}\".");
        }

        if (!watch)
        {
            return ExitCodes.Ok;
        }

        await ctx.Out.FlushAsync(cancellationToken);
        var printed = new HashSet<string>(matching.Select(Key), StringComparer.Ordinal);
        try
        {
            await WatchAsync(ctx, ns, filter, table, withNamespace, printed, list.Metadata.ResourceVersion, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends a watch; that is the normal way out.
        }

        return ExitCodes.Ok;
    }

    private static async Task WatchAsync(CommandContext ctx, string? ns, PairEventFilter filter, TextTable table, bool withNamespace, HashSet<string> printed, string? resourceVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var options = new WatchOptions { ResourceVersion = resourceVersion };
                await foreach (var change in ctx.Client.WatchAsync<Event>(EventType, ns, options, cancellationToken))
                {
                    if ((change.Type is WatchEventType.Added or WatchEventType.Modified) && filter.Matches(change.Object) && printed.Add(Key(change.Object)))
                    {
                        await ctx.Out.WriteLineAsync(table.FormatRow(EventFormatter.Cells(change.Object, ctx.Time.GetUtcNow(), withNamespace)));
                        await ctx.Out.FlushAsync(cancellationToken);
                    }

                    resourceVersion = change.ResourceVersion ?? resourceVersion;
                }

                return;
            }
            catch (GoneException)
            {
                // The resume point expired: relist and print only what was not printed yet.
                var list = await ctx.Client.ListAllAsync<Event>(EventType, ns, cancellationToken: cancellationToken);
                foreach (var e in EventFormatter.Sort(list.Items.Where(filter.Matches)).Where(e => printed.Add(Key(e))))
                {
                    await ctx.Out.WriteLineAsync(table.FormatRow(EventFormatter.Cells(e, ctx.Time.GetUtcNow(), withNamespace)));
                }

                await ctx.Out.FlushAsync(cancellationToken);
                resourceVersion = list.Metadata.ResourceVersion;
            }
        }
    }

    // An event updated in place (a series) is printed again when it changes.
    private static string Key(Event e) => $"{e.Metadata.Namespace}/{e.Metadata.Name}@{e.Metadata.ResourceVersion}";
}
