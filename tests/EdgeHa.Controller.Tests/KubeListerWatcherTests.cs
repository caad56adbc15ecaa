using System.Runtime.CompilerServices;
using EdgeHa.Controller.Informers;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Moq;

namespace EdgeHa.Controller.Tests;

public class KubeListerWatcherTests
{
    private readonly ResourceType _pods = ResourceType.Of<Pod>();

    [Fact]
    public async Task ListAsync_Pages_ReturnsAllItemsAndFirstPageResourceVersion()
    {
        var client = new Mock<IKubernetesClient>(MockBehavior.Strict);
        client.Setup(c => c.ListAsync<Pod>(_pods, "plant", It.Is<ListOptions>(o => o.Continue == null && o.LabelSelector == "app=c"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new KubernetesList<Pod> { Items = [Pod("a")], Metadata = new ListMeta { ResourceVersion = "100", Continue = "next" } });
        client.Setup(c => c.ListAsync<Pod>(_pods, "plant", It.Is<ListOptions>(o => o.Continue == "next"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new KubernetesList<Pod> { Items = [Pod("b")], Metadata = new ListMeta { ResourceVersion = "100" } });

        var result = await new KubeListerWatcher<Pod>(client.Object, "plant", labelSelector: "app=c").ListAsync(CancellationToken.None);

        Assert.Equal(["a", "b"], result.Items.Select(p => p.Metadata.Name));
        Assert.Equal("100", result.ResourceVersion);
    }

    [Fact]
    public async Task WatchAsync_ResourceVersion_WatchesFromItWithoutClientReconnect()
    {
        var client = new Mock<IKubernetesClient>(MockBehavior.Strict);
        WatchOptions? sent = null;
        client.Setup(c => c.WatchAsync<Pod>(_pods, null, It.IsAny<WatchOptions>(), It.IsAny<CancellationToken>()))
            .Callback<ResourceType, string?, WatchOptions?, CancellationToken>((_, _, o, _) => sent = o)
            .Returns(Events(new WatchEvent<Pod>(WatchEventType.Added, Pod("a"))));

        var events = new List<WatchEvent<Pod>>();
        await foreach (var ev in new KubeListerWatcher<Pod>(client.Object).WatchAsync("100", CancellationToken.None))
        {
            events.Add(ev);
        }

        Assert.Single(events);
        Assert.Equal("100", sent!.ResourceVersion);
        Assert.False(sent.Reconnect);
        Assert.True(sent.AllowWatchBookmarks);
    }

    private static Pod Pod(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "plant" } };

    private static async IAsyncEnumerable<WatchEvent<Pod>> Events(WatchEvent<Pod> ev, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        yield return ev;
    }
}
