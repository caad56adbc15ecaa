using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.Tests;

public sealed class ResourceTypeTests
{
    [Theory]
    [InlineData(typeof(Pod), "/api/v1/namespaces/ns/pods/x", "v1")]
    [InlineData(typeof(Node), "/api/v1/nodes/x", "v1")]
    [InlineData(typeof(Namespace), "/api/v1/namespaces/x", "v1")]
    [InlineData(typeof(Deployment), "/apis/apps/v1/namespaces/ns/deployments/x", "apps/v1")]
    [InlineData(typeof(Lease), "/apis/coordination.k8s.io/v1/namespaces/ns/leases/x", "coordination.k8s.io/v1")]
    [InlineData(typeof(Event), "/apis/events.k8s.io/v1/namespaces/ns/events/x", "events.k8s.io/v1")]
    [InlineData(typeof(EndpointSlice), "/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices/x", "discovery.k8s.io/v1")]
    [InlineData(typeof(CustomResourceDefinition), "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x", "apiextensions.k8s.io/v1")]
    [InlineData(typeof(IPAddressPool), "/apis/metallb.io/v1beta1/namespaces/ns/ipaddresspools/x", "metallb.io/v1beta1")]
    [InlineData(typeof(L2Advertisement), "/apis/metallb.io/v1beta1/namespaces/ns/l2advertisements/x", "metallb.io/v1beta1")]
    public void Of_Model_BuildsPathsOfItsApiGroup(Type model, string objectPath, string apiVersion)
    {
        var type = ResourceType.Of(model);

        Assert.Equal(objectPath, type.ObjectPath("ns", "x"));
        Assert.Equal(apiVersion, type.ApiVersion);
    }

    [Fact]
    public void CollectionPath_NamespacedWithoutNamespace_IsAllNamespaces()
    {
        Assert.Equal("/apis/apps/v1/deployments", ResourceType.Of<Deployment>().CollectionPath(null));
        Assert.Equal("/apis/apps/v1/namespaces/a/deployments", ResourceType.Of<Deployment>().CollectionPath("a"));
    }

    [Fact]
    public void ObjectPath_Subresource_IsAppended()
    {
        var type = ResourceType.Named("edgeha.io", "v1alpha1", "redundantpairs", "RedundantPair");

        Assert.Equal("/apis/edgeha.io/v1alpha1/namespaces/ns/redundantpairs/rp/status", type.ObjectPath("ns", "rp", "status"));
    }

    [Fact]
    public void ObjectPath_NamespacedWithoutNamespace_Throws()
    {
        Assert.Throws<ArgumentException>(() => ResourceType.Of<Pod>().ObjectPath(null, "x"));
    }

    [Fact]
    public void ObjectPath_NameWithReservedCharacters_IsEscaped()
    {
        Assert.Equal("/api/v1/nodes/a%2Fb", ResourceType.Of<Node>().ObjectPath(null, "a/b"));
    }

    [Fact]
    public void Of_TypeWithoutAttribute_ThrowsUnlessRegistered()
    {
        Assert.Throws<InvalidOperationException>(() => ResourceType.Of<Unregistered>());

        ResourceType.Register<Registered>(ResourceType.Named("x.io", "v1", "things", "Thing", namespaced: false));

        Assert.Equal("/apis/x.io/v1/things", ResourceType.Of<Registered>().CollectionPath("ignored"));
    }

    [Fact]
    public void Named_EmptyGroup_Throws()
    {
        Assert.Throws<ArgumentException>(() => ResourceType.Named("", "v1", "x", "X"));
    }

    private sealed class Unregistered : KubernetesObject;

    private sealed class Registered : KubernetesObject;
}
