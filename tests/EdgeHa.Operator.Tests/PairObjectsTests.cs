using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Operator.Reconciliation;

namespace EdgeHa.Operator.Tests;

public sealed class PairObjectsTests
{
    private static RedundantPair Pair(VipSpec? vip = null) => new()
    {
        Metadata = new() { Name = "line1", Namespace = "factory", Uid = "uid-1" },
        Spec = new RedundantPairSpec
        {
            PrimaryNode = "ipc-1",
            StandbyNode = "ipc-2",
            Template = JsonNode.Parse("""
                {"metadata":{"labels":{"app":"collector"}},"spec":{"containers":[{"name":"c","image":"i","env":[{"name":"POD_NAME","value":"stale"},{"name":"KEEP","value":"1"}]}],
                 "tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]}}
                """)!.AsObject(),
            Vip = vip,
        },
    };

    [Fact]
    public void Deployment_Template_IsPinnedLabelledToleratedAndGetsTheEnvironment()
    {
        var deployment = PairObjects.Deployment(Pair(), "ipc-2", 0);

        Assert.Equal("line1-ipc-2", deployment.Metadata.Name);
        Assert.Equal(0, deployment.Spec!.Replicas);
        var pod = deployment.Spec.Template!;
        Assert.Equal("ipc-2", pod.Spec!.NodeSelector!["kubernetes.io/hostname"]);
        Assert.Equal("collector", pod.Metadata!.Labels!["app"]);
        Assert.Equal("line1", pod.Metadata.Labels[PairLabels.Pair]);
        Assert.Equal("ipc-2", pod.Metadata.Labels[PairLabels.Node]);
        Assert.False(pod.Metadata.Labels.ContainsKey(PairLabels.Role));
        Assert.Equal(2, pod.Spec.Tolerations!.Count);
        Assert.All(pod.Spec.Tolerations, t => Assert.Null(t.TolerationSeconds));
        var env = pod.Spec.Containers[0].Env!;
        Assert.Equal("line1-active", env.Single(e => e.Name == "EDGEHA_LEASE_NAME").Value);
        Assert.Equal("factory", env.Single(e => e.Name == "EDGEHA_LEASE_NAMESPACE").Value);
        Assert.Equal("metadata.name", env.Single(e => e.Name == "POD_NAME").ValueFrom!.Value.GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.Equal("status.podIP", env.Single(e => e.Name == "POD_IP").ValueFrom!.Value.GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.Equal("spec.nodeName", env.Single(e => e.Name == "NODE_NAME").ValueFrom!.Value.GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.Contains(env, e => e.Name == "KEEP");
        Assert.Equal("uid-1", deployment.Metadata.OwnerReferences!.Single().Uid);
    }

    [Theory]
    [InlineData(null, null, "line1-collector")]
    [InlineData("serviceAccountName", "edge-ha-collector", "line1-collector")]
    [InlineData("serviceAccount", "edge-ha-collector", "line1-collector")]
    [InlineData("serviceAccountName", "plant-collector", "plant-collector")]
    [InlineData("serviceAccount", "plant-collector", "plant-collector")]
    public void CollectorTemplate_ServiceAccount_IsThePairsOwnUnlessAnotherIsNamed(string? field, string? named, string expected)
    {
        var pair = Pair();
        var podSpec = pair.Spec.Template["spec"]!.AsObject();
        if (field is not null)
        {
            podSpec[field] = named;
        }

        var spec = PairObjects.CollectorTemplate(pair, "ipc-1").Spec!;

        Assert.Equal(expected, spec.ServiceAccountName);
        Assert.False(spec.Extra?.ContainsKey("serviceAccount") == true, "the deprecated alias is folded into serviceAccountName");
    }

    [Fact]
    public void Deployment_SameInputs_SameHashSoNothingIsRewritten()
    {
        var a = PairObjects.Deployment(Pair(), "ipc-1", 1);
        var b = PairObjects.Deployment(Pair(), "ipc-1", 1);

        Assert.Equal(PairObjects.HashOf(a.Metadata), PairObjects.HashOf(b.Metadata));
        Assert.NotNull(PairObjects.HashOf(a.Metadata));
    }

    [Fact]
    public void VipService_MetalLb_AnnotatesAddressAndPoolWithLocalPolicy()
    {
        var service = PairObjects.VipService(Pair(new VipSpec
        {
            Provider = VipProvider.MetalLB,
            Address = "192.168.10.50",
            Pool = "edge",
            Ports = [new VipPort { Name = "modbus", Port = 502, TargetPort = 5020 }],
        }));

        Assert.Equal("line1-vip", service.Metadata.Name);
        Assert.Equal("192.168.10.50", service.Metadata.Annotations![PairObjects.MetalLbIps]);
        Assert.Equal("edge", service.Metadata.Annotations[PairObjects.MetalLbPool]);
        Assert.Equal("LoadBalancer", service.Spec!.Type);
        Assert.Equal("Local", service.Spec.ExternalTrafficPolicy);
        Assert.Equal(PairLabels.RoleActive, service.Spec.Selector![PairLabels.Role]);
        Assert.Equal("line1", service.Spec.Selector[PairLabels.Pair]);
        Assert.Equal(5020, service.Spec.Ports!.Single().TargetPort!.Value.Int);
    }

    [Fact]
    public void VipService_KubeVip_AnnotatesAddressAndInterface()
    {
        var service = PairObjects.VipService(Pair(new VipSpec
        {
            Provider = VipProvider.KubeVip,
            Address = "10.0.0.9",
            Interface = "eth1",
            Ports = [new VipPort { Name = "http", Port = 80 }],
        }));

        Assert.Equal("10.0.0.9", service.Metadata.Annotations![PairObjects.KubeVipIps]);
        Assert.Equal("eth1", service.Metadata.Annotations[PairObjects.KubeVipInterface]);
        Assert.Equal("Local", service.Spec!.ExternalTrafficPolicy);
    }

    [Fact]
    public void VipService_None_IsAPlainClusterIpService()
    {
        var service = PairObjects.VipService(Pair(new VipSpec { Provider = VipProvider.None, Ports = [new VipPort { Name = "http", Port = 80 }] }));

        Assert.Equal("ClusterIP", service.Spec!.Type);
        Assert.Null(service.Spec.ExternalTrafficPolicy);
        Assert.DoesNotContain(service.Metadata.Annotations!.Keys, k => k.StartsWith("metallb", StringComparison.Ordinal) || k.StartsWith("kube-vip", StringComparison.Ordinal));
    }

    [Fact]
    public void PairLease_New_IsFreeWithTheTermsAndOwned()
    {
        var lease = PairObjects.PairLease(Pair(), new Fencing.LeaseTerms(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100)));

        Assert.Equal("line1-active", lease.Metadata.Name);
        Assert.Null(lease.Spec!.HolderIdentity);
        Assert.Equal("600", lease.Metadata.Annotations![Fencing.FencingAnnotations.LeaseDurationMilliseconds]);
        Assert.Equal("line1", lease.Metadata.Labels![PairLabels.Pair]);
        Assert.Single(lease.Metadata.OwnerReferences!);
    }

    [Fact]
    public void PairLease_RecreatedWhileAnOldHolderMayStillAct_DeclaresItsLongerDuration()
    {
        var terms = new Fencing.LeaseTerms(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100));

        var lease = PairObjects.PairLease(Pair(), terms, heldUnder: TimeSpan.FromMilliseconds(1500));

        Assert.Equal("1500", lease.Metadata.Annotations![Fencing.FencingAnnotations.HolderDurationMilliseconds]);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), PairLeaseGrantor.Read(lease, terms, 1, DateTimeOffset.UnixEpoch, _ => null, new Dictionary<string, Kube.Models.Pod?>()).Duration);
        Assert.False(PairObjects.PairLease(Pair(), terms, heldUnder: TimeSpan.FromMilliseconds(500)).Metadata.Annotations!.ContainsKey(Fencing.FencingAnnotations.HolderDurationMilliseconds));
    }
}
