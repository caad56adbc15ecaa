using Microsoft.Extensions.DependencyInjection;

namespace EdgeHa.Kube.Tests;

public sealed class KubernetesServiceCollectionExtensionsTests
{
    [Fact]
    public void AddKubernetesClient_WithConfiguration_ResolvesOneSharedClient()
    {
        var services = new ServiceCollection().AddKubernetesClient(_ => new k8s.KubernetesClientConfiguration { Host = new Uri("http://127.0.0.1:1").ToString(), Namespace = "edge" });
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IKubernetesClient>();

        Assert.Same(client, provider.GetRequiredService<KubernetesClient>());
        Assert.Equal("edge", client.DefaultNamespace);
    }
}
