using System.Net;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.Sandbox.Tests.Support;

namespace EdgeHa.Sandbox.Tests;

/// <summary>CRD serving: creating a CustomResourceDefinition serves its resources, deleting it stops serving them.</summary>
public sealed class ResourceRegistryTests
{
    internal const string Crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"redundantpairs.edgeha.io"},
         "spec":{"group":"edgeha.io","scope":"Namespaced",
          "names":{"plural":"redundantpairs","singular":"redundantpair","kind":"RedundantPair","shortNames":["rp"],"categories":["edgeha"]},
          "versions":[{"name":"v1alpha1","served":true,"storage":true,"subresources":{"status":{}},
            "additionalPrinterColumns":[{"name":"Active","type":"string","jsonPath":".status.activeNode"},{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}],
            "schema":{"openAPIV3Schema":{"type":"object","properties":{
              "spec":{"type":"object","required":["primaryNode","standbyNode"],"properties":{
                "primaryNode":{"type":"string","minLength":1},"standbyNode":{"type":"string"},
                "standbyMode":{"type":"string","enum":["Cold","Hot"],"default":"Cold"},
                "failureThreshold":{"type":"integer","minimum":1,"maximum":10}}},
              "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}
        """;

    private const string Rps = "/apis/edgeha.io/v1alpha1/namespaces/default/redundantpairs";

    [Fact]
    public async Task CreateCrd_ServesResourceWithDiscoveryAndEstablishedStatus()
    {
        await using var h = await SandboxHarness.StartAsync();
        var crd = await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);

        Assert.Equal("True", Support.Support.Eval(crd, ".status.conditions[?(@.type==\"Established\")].status"));
        var discovery = await h.GetAsync("/apis/edgeha.io/v1alpha1");
        Assert.Equal("rp", discovery.Str(".resources[?(@.name==\"redundantpairs\")].shortNames[0]"));
        Assert.Equal("edgeha", discovery.Str(".resources[?(@.name==\"redundantpairs\")].categories[0]"));
        Assert.Equal("RedundantPair", discovery.Str(".resources[?(@.name==\"redundantpairs/status\")].kind"));
        Assert.Equal("edgeha.io/v1alpha1", (await h.GetAsync("/apis")).Str(".groups[?(@.name==\"edgeha.io\")].preferredVersion.groupVersion"));
    }

    [Fact]
    public async Task CreateCustomResource_AppliesDefaultsAndPrunesUnknownFields()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);

        var rp = await h.CreateAsync(Rps, """{"apiVersion":"edgeha.io/v1alpha1","kind":"RedundantPair","metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyNode":"b","bogus":1},"status":{"activeNode":"a"}}""");

        Assert.Equal("""{"primaryNode":"a","standbyNode":"b","standbyMode":"Cold"}""", rp["spec"]!.ToJsonString());
        Assert.Null(rp["status"]);
    }

    [Fact]
    public async Task CreateCustomResource_Invalid_Returns422WithEveryCause()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);

        var r = await h.PostAsync(Rps, SandboxHarness.Json("""{"apiVersion":"edgeha.io/v1alpha1","kind":"RedundantPair","metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyMode":"Warm","failureThreshold":11}}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal("RedundantPair.edgeha.io \"p\" is invalid: [spec.standbyMode: Unsupported value: \"Warm\": supported values: \"Cold\", \"Hot\", spec.failureThreshold: Invalid value: 11: spec.failureThreshold in body should be less than or equal to 10, spec.standbyNode: Required value]", r.Str(".message"));
        Assert.Equal("edgeha.io", r.Str(".details.group"));
        Assert.Equal("RedundantPair", r.Str(".details.kind"));
        Assert.Equal(3, r.Object["details"]!["causes"]!.AsArray().Count);
        Assert.Equal("FieldValueRequired", r.Str(".details.causes[2].reason"));
    }

    [Fact]
    public async Task UpdateCustomResource_WithoutResourceVersion_Returns422()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        await h.CreateAsync(Rps, """{"metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyNode":"b"}}""");

        var r = await h.PutAsync(Rps + "/p", SandboxHarness.Json("""{"apiVersion":"edgeha.io/v1alpha1","kind":"RedundantPair","metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyNode":"c"}}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains("must be specified for an update", r.Str(".message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusSubresource_CustomResource_WritesOnlyStatus()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        await h.CreateAsync(Rps, """{"metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyNode":"b"}}""");

        var s = await h.PatchAsync(Rps + "/p/status", SandboxHarness.Json("""{"spec":{"primaryNode":"z"},"status":{"activeNode":"a","epoch":3}}"""));
        var main = await h.PatchAsync(Rps + "/p", SandboxHarness.Json("""{"status":{"activeNode":"b"}}"""));

        Assert.Equal("a", s.Str(".spec.primaryNode"));
        Assert.Equal("3", s.Str(".status.epoch"));
        Assert.Equal("a", main.Str(".status.activeNode"));
        Assert.Equal("1", main.Str(".metadata.generation"));
    }

    [Fact]
    public async Task StrategicMergePatch_CustomResource_Returns415()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        await h.CreateAsync(Rps, """{"metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyNode":"b"}}""");

        var r = await h.PatchAsync(Rps + "/p", SandboxHarness.Json("""{"spec":{"standbyNode":"c"}}"""), "application/strategic-merge-patch+json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.Status);
    }

    [Fact]
    public async Task GetTable_CustomResource_UsesPrinterColumns()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        await h.CreateAsync(Rps, """{"metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyNode":"b"}}""");
        await h.PatchAsync(Rps + "/p/status", SandboxHarness.Json("""{"status":{"activeNode":"node-a"}}"""));

        var r = await h.GetAsync(Rps, "application/json;as=Table;v=v1;g=meta.k8s.io");

        Assert.Equal("Name,Active,Age", string.Join(',', r.Object["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())));
        Assert.Equal("node-a", r.Str(".rows[0].cells[1]"));
        Assert.EndsWith("s", r.Str(".rows[0].cells[2]"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteCrd_StopsServingAndDeletesCustomResources()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        await h.CreateAsync(Rps, """{"metadata":{"name":"p"},"spec":{"primaryNode":"a","standbyNode":"b"}}""");

        await h.DeleteAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/redundantpairs.edgeha.io");

        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync(Rps)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync("/apis/edgeha.io/v1alpha1")).Status);
        await h.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        Assert.Empty((await h.GetAsync(Rps)).Object["items"]!.AsArray());
    }

    [Fact]
    public async Task CreateCrd_NameNotPluralDotGroup_Returns422()
    {
        await using var h = await SandboxHarness.StartAsync();
        var r = await h.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", SandboxHarness.Json(Crd.Replace("\"name\":\"redundantpairs.edgeha.io\"", "\"name\":\"wrong.edgeha.io\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal("metadata.name", r.Str(".details.causes[0].field"));
    }

    [Theory]
    [InlineData("v1", "v1beta1")]
    [InlineData("v2", "v1")]
    [InlineData("v1beta2", "v1beta1")]
    [InlineData("v1beta1", "v1alpha1")]
    [InlineData("v1alpha1", "foo")]
    public void VersionPriority_KubernetesOrdering_PrefersFirst(string higher, string lower)
    {
        Assert.True(ResourceRegistry.VersionPriority(higher) > ResourceRegistry.VersionPriority(lower));
    }
}
