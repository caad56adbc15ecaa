using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.IntegrationTests.Support;

/// <summary>Builders of the objects the tests write.</summary>
public static class Objects
{
    /// <summary>RedundantPair as a custom resource addressed by group/version/plural.</summary>
    public static readonly ResourceType RedundantPairs = ResourceType.Named("edgeha.io", "v1alpha1", "redundantpairs", "RedundantPair");

    private static readonly SemaphoreSlim CrdGate = new(1, 1);

    public static ConfigMap ConfigMap(string name, string? ns, IDictionary<string, string>? labels = null, IDictionary<string, string>? data = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels },
        Data = data ?? new Dictionary<string, string> { ["key"] = "value" },
    };

    public static Deployment Deployment(string name, string ns) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new DeploymentSpec
        {
            Replicas = 1,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new PodSpec
                {
                    Containers =
                    [
                        new Container { Name = "collector", Image = "edgeha/collector:0.1.0" },
                        new Container { Name = "sidecar", Image = "busybox:1.36" },
                    ],
                },
            },
        },
    };

    public static RedundantPair Pair(string name, string ns, string primary = "ipc-a", string standby = "ipc-b") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new RedundantPairSpec
        {
            PrimaryNode = primary,
            StandbyNode = standby,
            Template = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = "collector", ["image"] = "edgeha/collector:0.1.0" }),
                },
            },
        },
    };

    /// <summary>Creates the RedundantPair CRD from crds/ through the API, once per server (AlreadyExists is fine).</summary>
    public static async Task EnsureRedundantPairCrdAsync(IKubernetesClient client, CancellationToken cancellationToken)
    {
        await CrdGate.WaitAsync(cancellationToken);
        try
        {
            var json = RepoFiles.YamlAsJson("crds/edgeha.io_redundantpairs.yaml");
            var crd = KubeJson.Deserialize<CustomResourceDefinition>(json.ToJsonString());
            try
            {
                await client.CreateAsync(crd, cancellationToken);
            }
            catch (AlreadyExistsException)
            {
                // Created by an earlier test against the same server.
            }
        }
        finally
        {
            CrdGate.Release();
        }
    }
}
