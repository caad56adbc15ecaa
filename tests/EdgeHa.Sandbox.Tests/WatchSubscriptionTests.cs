using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests;

public sealed class WatchSubscriptionTests
{
    [Fact]
    public void Deliver_AWatcherThatStopsReading_IsClosedWhenItsQueueIsFullNotBufferedWithoutBound()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, historyCapacity: 10, seed: 1);
        var configMaps = registry.Find("", "v1", "configmaps")!;
        var (_, subscription, _) = store.Watch(configMaps, resourceVersion: store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), sendInitialEvents: false);
        using (subscription)
        {
            for (var i = 0; i < WatchSubscription.Capacity; i++)
            {
                store.Create(configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = $"cm-{i}" } }, dryRun: false);
            }

            Assert.False(subscription.Dropped.IsCancellationRequested); // full, not yet over
            store.Create(configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "one-more" } }, dryRun: false);

            Assert.True(subscription.Dropped.IsCancellationRequested, "a watcher that fell behind by more than its queue was kept open");
            Assert.Equal(WatchSubscription.Capacity, subscription.Events.Reader.Count);
        }
    }
}
