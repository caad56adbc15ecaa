using System.Net;
using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.Sandbox.Tests.Support;

namespace EdgeHa.Sandbox.Tests;

public sealed class EventConversionTests
{
    private const string EventsV1 = "/apis/events.k8s.io/v1/namespaces/default/events";
    private const string CoreEvents = "/api/v1/namespaces/default/events";

    [Fact]
    public void ToCoreAndBack_RenamesFieldsAndRoundTrips()
    {
        var ev = JsonNode.Parse("""{"metadata":{"name":"e"},"regarding":{"kind":"Pod","name":"p"},"note":"hello","reason":"Failover","reportingController":"edgeha.io/operator","deprecatedCount":2}""")!.AsObject();

        var core = EventConversion.ToCore(ev);

        Assert.Equal("""{"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p"},"message":"hello","reason":"Failover","reportingComponent":"edgeha.io/operator","count":2}""", core.ToJsonString());
        Assert.Equal(ev.ToJsonString(), EventConversion.ToEventsV1(core).ToJsonString());
        Assert.Equal("involvedObject.name", EventConversion.CoreField("regarding.name"));
        Assert.Equal("reason", EventConversion.CoreField("reason"));
    }

    [Fact]
    public async Task Create_EventsV1Event_IsVisibleAsCoreEvent()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var watch = await h.WatchAsync($"{CoreEvents}?watch=1&resourceVersion={h.Server.ResourceVersion}");

        var created = await h.CreateAsync(EventsV1, """{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e1"},"regarding":{"kind":"RedundantPair","name":"line1"},"note":"switched to node-b","reason":"Failover","type":"Normal","reportingController":"edgeha.io/operator","reportingInstance":"op-1","action":"Promote","eventTime":"2026-01-01T00:00:00.000000Z"}""");
        var core = await h.GetAsync(CoreEvents + "/e1");
        var selected = await h.GetAsync($"{EventsV1}?fieldSelector=regarding.name%3Dline1");
        var e = await watch.NextAsync();

        Assert.Equal("switched to node-b", created["note"]!.GetValue<string>());
        Assert.Equal("v1", core.Str(".apiVersion"));
        Assert.Equal("switched to node-b", core.Str(".message"));
        Assert.Equal("line1", core.Str(".involvedObject.name"));
        Assert.Equal("edgeha.io/operator", core.Str(".reportingComponent"));
        Assert.Equal("e1", selected.Str(".items[0].metadata.name"));
        Assert.Equal("line1", selected.Str(".items[0].regarding.name"));
        Assert.Equal("switched to node-b", e!["object"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_EventsV1Form_UpdatesStoredEvent()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync(CoreEvents, """{"metadata":{"name":"e2"},"involvedObject":{"kind":"Pod","name":"p"},"message":"one","count":1}""");

        var patched = await h.PatchAsync(EventsV1 + "/e2", SandboxHarness.Json("""{"note":"two","deprecatedCount":2}"""));

        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("two", patched.Str(".note"));
        Assert.Equal("2", (await h.GetAsync(CoreEvents + "/e2")).Str(".count"));
    }
}
