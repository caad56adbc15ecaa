using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Kube.Serialization;
using EdgeHa.Operator.Reconciliation;

namespace EdgeHa.Operator.Tests;

public sealed class CollectorAccessTests
{
    private static RedundantPair Pair() => new()
    {
        Metadata = new() { Name = "line1", Namespace = "factory", Uid = "uid-1" },
        Spec = new RedundantPairSpec { PrimaryNode = "ipc-1", StandbyNode = "ipc-2", Template = JsonNode.Parse("""{"spec":{"containers":[{"name":"c","image":"i"}]}}""")!.AsObject() },
    };

    [Theory]
    [InlineData(null, "line1-collector")]
    [InlineData("", "line1-collector")]
    [InlineData(CollectorAccess.LegacySharedServiceAccount, "line1-collector")]
    [InlineData("plant-collector", "plant-collector")]
    public void PodServiceAccount_TemplateNames_RunsAs(string? named, string expected) =>
        Assert.Equal(expected, CollectorAccess.PodServiceAccount("line1", named));

    [Fact]
    public void Role_AllowsOnlyGetUpdateAndWatchOfThePairsOwnLease()
    {
        var role = CollectorAccess.Role(Pair());

        Assert.Equal(("line1-collector", "factory"), (role.Metadata.Name, role.Metadata.Namespace));
        Assert.Equal(
            """[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","update","watch"],"resourceNames":["line1-active"]}]""",
            KubeJson.Serialize(role.Rules));
    }

    [Fact]
    public void Role_EqualsTheFixtureTheChartChecksAreRunAgainst()
    {
        // tests/manifests/check.sh checks that the operator's ClusterRole holds every permission of this fixture
        // (escalation prevention), so it must be what the operator really creates.
        var fixture = KubeJson.Deserialize<Kube.Models.Role>(File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "manifests", "fixtures", "pair-collector-role.json")));
        var role = CollectorAccess.Role(Pair());
        role.Metadata.OwnerReferences = null;

        Assert.Equal(KubeJson.Serialize(fixture), KubeJson.Serialize(role));
    }

    [Fact]
    public void RoleBinding_BindsThePairsRoleToThePairsServiceAccountOnly()
    {
        var binding = CollectorAccess.RoleBinding(Pair());

        Assert.Equal("""{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"line1-collector"}""", KubeJson.Serialize(binding.RoleRef));
        Assert.Equal("""[{"kind":"ServiceAccount","name":"line1-collector","namespace":"factory"}]""", KubeJson.Serialize(binding.Subjects));
    }

    [Fact]
    public void AllThree_AreLabelledWithThePairAndControlledByIt()
    {
        var pair = Pair();
        foreach (var o in new Kube.Models.KubernetesObject[] { CollectorAccess.ServiceAccount(pair), CollectorAccess.Role(pair), CollectorAccess.RoleBinding(pair) })
        {
            Assert.Equal("line1", Assert.Single(o.Metadata.Labels!, l => l.Key == PairLabels.Pair).Value);
            var owner = Assert.Single(o.Metadata.OwnerReferences!);
            Assert.Equal(("uid-1", true, true), (owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeHaOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("EdgeHaOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
