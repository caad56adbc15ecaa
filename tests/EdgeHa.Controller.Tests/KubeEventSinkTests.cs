using EdgeHa.Controller.Events;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Moq;

namespace EdgeHa.Controller.Tests;

public class KubeEventSinkTests
{
    [Fact]
    public async Task UpdateSeriesAsync_Event_SendsMergePatchOfSeries()
    {
        var client = new Mock<IKubernetesClient>(MockBehavior.Strict);
        KubePatch? patch = null;
        client.Setup(c => c.PatchAsync<Event>(ResourceType.Of<Event>(), "plant", "line1.abc", It.IsAny<KubePatch>(), It.IsAny<CancellationToken>()))
            .Callback<ResourceType, string?, string, KubePatch, CancellationToken>((_, _, _, p, _) => patch = p)
            .ReturnsAsync(new Event());
        var ev = new Event
        {
            Metadata = new ObjectMeta { Name = "line1.abc", Namespace = "plant" },
            Series = new EventSeries { Count = 3, LastObservedTime = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero) },
        };

        await new KubeEventSink(client.Object).UpdateSeriesAsync(ev, CancellationToken.None);

        Assert.Equal(PatchType.Merge, patch!.Type);
        Assert.Equal("{\"series\":{\"count\":3,\"lastObservedTime\":\"2026-03-01T12:00:00.000000Z\"}}", patch.Content);
    }

    [Fact]
    public async Task CreateAsync_Event_CreatedInItsNamespace()
    {
        var client = new Mock<IKubernetesClient>(MockBehavior.Strict);
        var ev = new Event { Metadata = new ObjectMeta { Name = "x.1", Namespace = "plant" } };
        client.Setup(c => c.CreateAsync(ResourceType.Of<Event>(), ev, "plant", It.IsAny<CancellationToken>())).ReturnsAsync(ev);

        Assert.Same(ev, await new KubeEventSink(client.Object).CreateAsync(ev, CancellationToken.None));
    }
}
