using EdgeHa.Demo.Measurement;
using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class StepRunnerTests
{
    private readonly Timeline _timeline = new();
    private readonly List<string> _said = [];

    private StepRunner Runner() => new(TimeProvider.System, _timeline, _said.Add);

    [Fact]
    public async Task RunAsync_AllSucceed_RunsInOrder()
    {
        var order = new List<int>();
        var steps = Enumerable.Range(1, 3).Select(i => new DemoStep($"step {i}", TimeSpan.FromSeconds(5), _ =>
        {
            order.Add(i);
            return Task.CompletedTask;
        }));

        var results = await Runner().RunAsync(steps, CancellationToken.None);

        Assert.Equal([1, 2, 3], order);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(["step 1", "step 2", "step 3"], _timeline.Entries.Select(e => e.Text));
    }

    [Fact]
    public async Task RunAsync_StepFails_StopsAndSaysWhich()
    {
        var ran3 = false;
        var steps = new[]
        {
            new DemoStep("apply", TimeSpan.FromSeconds(5), _ => Task.CompletedTask),
            new DemoStep("crash node edge-a", TimeSpan.FromSeconds(5), _ => throw new StepFailedException("no simulated node \"edge-a\"")),
            new DemoStep("never", TimeSpan.FromSeconds(5), _ =>
            {
                ran3 = true;
                return Task.CompletedTask;
            }),
        };

        var results = await Runner().RunAsync(steps, CancellationToken.None);

        Assert.False(ran3);
        Assert.Equal(2, results.Count);
        Assert.Equal("no simulated node \"edge-a\"", results[1].Error);
        Assert.Contains("!! step \"crash node edge-a\" failed: no simulated node \"edge-a\"", _said);
        Assert.Contains(_timeline.Entries, e => e.Text.StartsWith("FAILED: crash node edge-a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_StepTimesOut_ReportsWhatItWaitedFor()
    {
        var step = new DemoStep("wait for the failover to edge-b", TimeSpan.FromMilliseconds(200),
            c => c.WaitUntilAsync(() => "status.activeNode edge-b (now edge-a, phase FailingOver)", TimeSpan.FromMilliseconds(20)));

        var result = Assert.Single(await Runner().RunAsync([step], CancellationToken.None));

        Assert.False(result.Succeeded);
        Assert.Equal("timed out after 0.2 s waiting for: status.activeNode edge-b (now edge-a, phase FailingOver)", result.Error);
    }

    [Fact]
    public async Task RunAsync_UnexpectedException_IsAFailureWithItsType()
    {
        var step = new DemoStep("apply", TimeSpan.FromSeconds(5), _ => throw new InvalidOperationException("boom"));

        var result = Assert.Single(await Runner().RunAsync([step], CancellationToken.None));

        Assert.Equal("InvalidOperationException: boom", result.Error);
    }

    [Fact]
    public async Task RunAsync_Cancelled_IsInterrupted()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var step = new DemoStep("steady state", TimeSpan.FromSeconds(30), c => c.DelayAsync(TimeSpan.FromSeconds(30)));

        var result = Assert.Single(await Runner().RunAsync([step], cts.Token));

        Assert.Equal("interrupted", result.Error);
    }

    [Fact]
    public async Task RunAsync_WaitConditionMet_Succeeds()
    {
        var calls = 0;
        var step = new DemoStep("wait", TimeSpan.FromSeconds(5), c => c.WaitUntilAsync(() => ++calls < 3 ? "not yet" : null, TimeSpan.FromMilliseconds(10)));

        var result = Assert.Single(await Runner().RunAsync([step], CancellationToken.None));

        Assert.True(result.Succeeded);
        Assert.Equal(3, calls);
    }
}
