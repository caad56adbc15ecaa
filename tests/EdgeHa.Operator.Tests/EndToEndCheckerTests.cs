using System.Collections.Concurrent;
using System.Net;
using EdgeHa.Operator.Reconciliation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Operator.Tests;

public sealed class EndToEndCheckerTests
{
    private sealed class ScriptedHandler(params string[] bodies) : HttpMessageHandler
    {
        private int _next;

        public ConcurrentQueue<Uri> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request.RequestUri!);
            var body = bodies[Math.Min(Interlocked.Increment(ref _next) - 1, bodies.Length - 1)];
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });
        }
    }

    private static async Task<EndToEndResult?> WaitForAsync(EndToEndChecker checker, Func<EndToEndResult?, bool> predicate)
    {
        for (var i = 0; i < 200; i++)
        {
            var result = checker.Result("ns/p");
            if (predicate(result))
            {
                return result;
            }

            await Task.Delay(5);
        }

        return checker.Result("ns/p");
    }

    [Fact]
    public async Task Sync_SequenceAdvancesThenStops_ReportsFlowingThenNoNewSamples()
    {
        var time = new FakeTimeProvider();
        using var handler = new ScriptedHandler(
            """{"samples":[{"sample":1,"sequence":10}]}""",
            """{"samples":[{"sample":2,"sequence":11},{"sample":3,"sequence":12}]}""",
            """{"samples":[]}""");
        using var metrics = new OperatorMetrics(new System.Diagnostics.Metrics.Meter("test-" + Guid.NewGuid()));
        var changes = new ConcurrentQueue<string>();
        using var checker = new EndToEndChecker(time, metrics, changes.Enqueue, handler);

        checker.Sync("ns/p", "127.0.0.2", 8080, TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.Zero);
        var first = await WaitForAsync(checker, r => r?.Reason == "Measuring" && handler.Requests.Count == 1);
        time.Advance(TimeSpan.FromSeconds(1));
        var second = await WaitForAsync(checker, r => r?.Flowing == true);
        time.Advance(TimeSpan.FromSeconds(1));
        var third = await WaitForAsync(checker, r => r?.Flowing == false);

        Assert.Null(first!.Flowing);
        Assert.Equal("SequenceAdvancing", second!.Reason);
        Assert.Equal("NoNewSamples", third!.Reason);
        Assert.Equal(["http://127.0.0.2:8080/samples", "http://127.0.0.2:8080/samples?after=10", "http://127.0.0.2:8080/samples?after=12"], handler.Requests.Select(u => u.ToString()));
        Assert.True(changes.Count >= 2);
    }

    [Fact]
    public void Sync_NoActive_StopsChecking()
    {
        var time = new FakeTimeProvider();
        using var handler = new ScriptedHandler("""{"samples":[]}""");
        using var metrics = new OperatorMetrics(new System.Diagnostics.Metrics.Meter("test-" + Guid.NewGuid()));
        using var checker = new EndToEndChecker(time, metrics, _ => { }, handler);
        checker.Sync("ns/p", "127.0.0.2", 8080, TimeSpan.FromSeconds(1));

        checker.Sync("ns/p", null, 8080, TimeSpan.FromSeconds(1));

        Assert.Null(checker.Result("ns/p"));
    }
}
