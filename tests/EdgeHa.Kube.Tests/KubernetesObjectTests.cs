using System.Text.Json.Nodes;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.Tests;

/// <summary>Every model keeps the fields it does not model, at every level, through a read-modify-write.</summary>
public sealed class KubernetesObjectTests
{
    public static TheoryData<Type, string> Samples => new()
    {
        { typeof(Namespace), """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"edge","x-meta":1},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active","x-status":true}}""" },
        { typeof(Node), """{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a"},"spec":{"unschedulable":true,"x-spec":"s"},"status":{"conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"KubeletReady","message":"ok"}],"addresses":[{"type":"InternalIP","address":"10.0.0.1"}],"nodeInfo":{"kubeletVersion":"v1.31.0"},"capacity":{"cpu":"4"}}}""" },
        { typeof(Pod), """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"},"spec":{"containers":[{"name":"c","image":"i","securityContext":{"privileged":false}}],"nodeName":"a","affinity":{"x":1}},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"podIP":"10.1.1.1","qosClass":"Burstable"}}""" },
        { typeof(Deployment), """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"n"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","args":["--role","active"],"env":[{"name":"E","value":"v"},{"name":"F","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}],"ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],"readinessProbe":{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":1,"x-probe":2}}],"nodeSelector":{"kubernetes.io/hostname":"a"},"tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute","tolerationSeconds":5}],"volumes":[{"name":"v","emptyDir":{}}]}},"strategy":{"type":"Recreate"}},"status":{"readyReplicas":1,"collisionCount":0}}""" },
        { typeof(Service), """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n","annotations":{"metallb.io/loadBalancerIPs":"192.168.1.10"}},"spec":{"type":"LoadBalancer","selector":{"role":"active"},"ports":[{"name":"modbus","protocol":"TCP","port":502,"targetPort":5020}],"externalTrafficPolicy":"Local","sessionAffinity":"None"},"status":{"loadBalancer":{"ingress":[{"ip":"192.168.1.10","ports":[{"port":502}]}]}}}""" },
        { typeof(EndpointSlice), """{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s-abc","namespace":"n"},"addressType":"IPv4","endpoints":[{"addresses":["10.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"a","zone":"z1"}],"ports":[{"name":"modbus","port":5020,"protocol":"TCP"}]}""" },
        { typeof(Lease), """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","namespace":"n"},"spec":{"holderIdentity":"a","leaseDurationSeconds":3,"renewTime":"2026-01-01T00:00:00.000001Z","preferredHolder":"b","strategy":"OldestEmulationVersion"}}""" },
        { typeof(Event), """{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e","namespace":"n"},"eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"edgeha.io/operator","reportingInstance":"op-0","action":"Failover","reason":"ActiveNodeUnhealthy","regarding":{"kind":"RedundantPair","name":"rp","namespace":"n","x-ref":1},"note":"n","type":"Warning","deprecatedCount":3}""" },
        { typeof(ConfigMap), """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"},"data":{"a":"b"},"x-top":[1,2]}""" },
        { typeof(CustomResourceDefinition), """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"redundantpairs.edgeha.io"},"spec":{"group":"edgeha.io","names":{"plural":"redundantpairs","singular":"redundantpair","kind":"RedundantPair","shortNames":["rp"]},"scope":"Namespaced","versions":[{"name":"v1alpha1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-validations":[{"rule":"self.primaryNode != self.standbyNode"}]}}}},"subresources":{"status":{}},"additionalPrinterColumns":[{"name":"Active","type":"string","jsonPath":".status.activeNode"}],"selectableFields":[{"jsonPath":".spec.primaryNode"}]}],"conversion":{"strategy":"None"}},"status":{"storedVersions":["v1alpha1"],"x-status":1}}""" },
        { typeof(IPAddressPool), """{"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool","metadata":{"name":"p","namespace":"metallb-system"},"spec":{"addresses":["192.168.1.10/32"],"autoAssign":false,"serviceAllocation":{"priority":1}}}""" },
        { typeof(L2Advertisement), """{"apiVersion":"metallb.io/v1beta1","kind":"L2Advertisement","metadata":{"name":"l","namespace":"metallb-system"},"spec":{"ipAddressPools":["p"],"nodeSelectors":[{"matchLabels":{"kubernetes.io/hostname":"a"}}],"interfaces":["eth0"],"x-spec":1}}""" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void RoundTrip_EveryModel_PreservesEveryField(Type type, string json)
    {
        var obj = System.Text.Json.JsonSerializer.Deserialize(json, type, KubeJson.Options)!;

        var back = System.Text.Json.JsonSerializer.Serialize(obj, type, KubeJson.Options);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(back)), $"{type.Name}:\n{json}\n{back}");
    }

    [Fact]
    public void ReadModifyWrite_Deployment_ChangesOnlyWhatWasModified()
    {
        var json = (string)Samples.First(s => (Type)s[0] == typeof(Deployment))[1];
        var deployment = KubeJson.Deserialize<Deployment>(json);

        deployment.Spec!.Replicas = 0;
        deployment.Spec.Template!.Spec!.Containers[0].Args = ["--role", "standby"];
        var back = JsonNode.Parse(KubeJson.Serialize(deployment))!;

        var expected = JsonNode.Parse(json)!;
        expected["spec"]!["replicas"] = 0;
        expected["spec"]!["template"]!["spec"]!["containers"]![0]!["args"] = new JsonArray("--role", "standby");
        Assert.True(JsonNode.DeepEquals(expected, back), back.ToJsonString());
    }

    [Fact]
    public void Deserialize_Models_ExposeTheModelledFields()
    {
        var node = KubeJson.Deserialize<Node>((string)Samples.First(s => (Type)s[0] == typeof(Node))[1]);
        var svc = KubeJson.Deserialize<Service>((string)Samples.First(s => (Type)s[0] == typeof(Service))[1]);
        var dep = KubeJson.Deserialize<Deployment>((string)Samples.First(s => (Type)s[0] == typeof(Deployment))[1]);

        Assert.True(node.IsReady);
        Assert.True(node.Spec!.Unschedulable);
        Assert.Equal("10.0.0.1", node.Status!.Addresses![0].Address);
        Assert.Equal("192.168.1.10", svc.Status!.LoadBalancer!.Ingress![0].Ip);
        Assert.Equal(5020, svc.Spec!.Ports![0].TargetPort!.Value.Int);
        Assert.Equal("Local", svc.Spec.ExternalTrafficPolicy);
        var container = dep.Spec!.Template!.Spec!.Containers[0];
        Assert.Equal("http", container.ReadinessProbe!.HttpGet!.Port.String);
        Assert.Equal(8080, container.Ports![0].Port);
        Assert.Equal("a", dep.Spec.Template.Spec.NodeSelector!["kubernetes.io/hostname"]);
        Assert.Equal(5, dep.Spec.Template.Spec.Tolerations![0].TolerationSeconds);
    }

    [Fact]
    public void CustomResourceDefinition_ToResourceType_UsesStorageVersionAndScope()
    {
        var crd = KubeJson.Deserialize<CustomResourceDefinition>((string)Samples.First(s => (Type)s[0] == typeof(CustomResourceDefinition))[1]);

        Assert.Equal(new ResourceType("edgeha.io", "v1alpha1", "redundantpairs", "RedundantPair", true), crd.ToResourceType());
        Assert.Equal("object", (string?)crd.Spec.Versions[0].Schema!["openAPIV3Schema"]!["type"]);
    }

    [Fact]
    public void NewModel_HasApiVersionAndKind()
    {
        Assert.Equal(("apps/v1", "Deployment"), (new Deployment().ApiVersion, new Deployment().Kind));
        Assert.Equal(("coordination.k8s.io/v1", "Lease"), (new Lease().ApiVersion, new Lease().Kind));
        Assert.Equal(("metallb.io/v1beta1", "L2Advertisement"), (new L2Advertisement().ApiVersion, new L2Advertisement().Kind));
    }

    [Fact]
    public void CustomResource_GenericBase_RoundTripsSpecStatusAndUnknownFields()
    {
        const string Json = """{"apiVersion":"edgeha.io/v1alpha1","kind":"RedundantPair","metadata":{"name":"rp"},"spec":{"primaryNode":"a"},"status":{"activeNode":"a"},"x":1}""";

        var rp = KubeJson.Deserialize<TestPair>(Json);

        Assert.Equal("a", rp.Spec.PrimaryNode);
        Assert.Equal(Json, KubeJson.Serialize(rp));
    }

    private sealed class TestPair : CustomResource<TestPairSpec, TestPairStatus>;

    private sealed class TestPairSpec
    {
        public string? PrimaryNode { get; set; }
    }

    private sealed class TestPairStatus
    {
        public string? ActiveNode { get; set; }
    }
}
