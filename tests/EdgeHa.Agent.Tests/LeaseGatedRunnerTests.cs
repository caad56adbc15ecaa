using EdgeHa.Fencing;
using EdgeHa.Fencing.Tests;

namespace EdgeHa.Agent.Tests;

/// <summary>Drives the runner with a real child process and real time, over the Lease-only API fake.</summary>
public sealed class LeaseGatedRunnerTests
{
    private const string LeaseName = "line-1-active";
    private static readonly LeaseTerms Fast = new(TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));

    // For tests that count restarts: a holding lost to a starved renewal starts the child again at once (a new
    // holding resets the crash count), which would look like a back-off cut short.
    private static readonly LeaseTerms Roomy = new(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300));

    private readonly InMemoryLeaseApi _api = new();

    [Fact]
    public async Task RunAsync_Granted_StartsTheCollector()
    {
        _api.Seed(LeaseName, "pod-a", terms: Fast);
        await using var run = Start();

        await WaitUntil(() => run.Child.IsRunning);

        Assert.Equal(1, run.Child.Starts);
    }

    [Fact]
    public async Task RunAsync_NotGranted_NeverStartsTheCollector()
    {
        _api.Seed(LeaseName, "pod-b", terms: Fast);
        await using var run = Start();

        await Task.Delay(500);

        Assert.False(run.Child.IsRunning);
        Assert.Equal(0, run.Child.Starts);
    }

    [Fact]
    public async Task RunAsync_HandoverRequested_StopsTheCollectorBeforeReleasing()
    {
        _api.Seed(LeaseName, "pod-a", terms: Fast);
        await using var run = Start();
        await WaitUntil(() => run.Child.IsRunning);

        _api.Edit(LeaseName, l => l.Metadata.Annotations![FencingAnnotations.HandoverRequested] = "pod-b");
        await WaitUntil(() => _api.Read(LeaseName).Spec!.HolderIdentity is null);

        Assert.False(run.Child.IsRunning);
    }

    [Fact]
    public async Task RunAsync_ApiUnreachable_SelfFencesAndKillsTheCollector()
    {
        _api.Seed(LeaseName, "pod-a", terms: Fast);
        await using var run = Start();
        await WaitUntil(() => run.Child.IsRunning);

        _api.Unreachable = true;
        await WaitUntil(() => !run.Child.IsRunning);

        // Killed by the holder's own deadline (which LeaseHolderTests pins to duration - margin in virtual time),
        // while the Lease still names this pod: nobody took it away.
        Assert.StartsWith("lease renewal overdue", run.Holder.State.Reason, StringComparison.Ordinal);
        Assert.Equal("pod-a", _api.Read(LeaseName).Spec!.HolderIdentity);
    }

    [Fact]
    public async Task RunAsync_CollectorExitsWhileHolding_StartsItAgain()
    {
        _api.Seed(LeaseName, "pod-a", terms: Fast);
        await using var run = Start("/bin/sh", "-c", "sleep 0.2");

        await WaitUntil(() => run.Child.Starts >= 2, seconds: 15);
    }

    [Fact]
    public async Task RunAsync_CollectorCrashLoops_WaitsLongerBeforeEachRestart()
    {
        _api.Seed(LeaseName, "pod-a", terms: Roomy);
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10));
        await using var run = Start(backoff, "/bin/sh", "-c", "exit 3");
        var starts = new List<long>();

        await WaitUntil(() =>
        {
            if (starts.Count == 0 || starts[^1] != run.Child.StartedAt)
            {
                starts.Add(run.Child.StartedAt);
            }

            return starts.Count >= 4;
        }, seconds: 15);

        // Lower bounds only: a restart can come late on a loaded machine, never before its back-off.
        var gaps = starts.Zip(starts.Skip(1), (a, b) => TimeSpan.FromSeconds((double)(b - a) / System.Diagnostics.Stopwatch.Frequency)).ToList();
        Assert.True(gaps[2] >= TimeSpan.FromMilliseconds(400), $"third restart after {gaps[2].TotalMilliseconds:0} ms, before its 400 ms back-off");
        Assert.True(run.Runner.CrashCount >= 3, $"crash count {run.Runner.CrashCount}");
    }

    [Fact]
    public async Task RunAsync_CollectorCrashLoops_ReportsRestartsAndTheBackOffOnTheLease()
    {
        _api.Seed(LeaseName, "pod-a", terms: Fast);
        // Back-offs longer than the 100 ms renew interval, so renewals carry the wait while it lasts.
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10));
        await using var run = Start(backoff, "/bin/sh", "-c", "exit 3");

        await WaitUntil(() => Annotation(FencingAnnotations.CollectorRestarts) is { } n && int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) >= 2
            && Annotation(FencingAnnotations.CollectorBackOff) is not null, seconds: 20);

        Assert.Matches(@"^back-off \d+s restarting the collector \(exit code 3, \d+ crashes in a row\)$", Annotation(FencingAnnotations.CollectorBackOff));
    }

    [Fact]
    public async Task RunAsync_CollectorKeepsRunning_ReportsNoRestartsAndNoBackOff()
    {
        _api.Seed(LeaseName, "pod-a", terms: Fast);
        await using var run = Start();
        await WaitUntil(() => run.Child.IsRunning && Annotation(FencingAnnotations.CollectorRestarts) is not null);

        Assert.Equal("0", Annotation(FencingAnnotations.CollectorRestarts));
        Assert.Null(Annotation(FencingAnnotations.CollectorBackOff));
    }

    [Theory]
    [InlineData(1050, 3, 1, "back-off 2s restarting the collector (exit code 3, 1 crash in a row)")]
    [InlineData(8000, 137, 4, "back-off 8s restarting the collector (exit code 137, 4 crashes in a row)")]
    [InlineData(100, null, 2, "back-off 1s restarting the collector (exit code unknown, 2 crashes in a row)")]
    public void BackOffMessage_SaysTheWaitTheExitCodeAndTheCrashes(int delayMs, int? exitCode, int crashes, string expected) =>
        Assert.Equal(expected, LeaseGatedRunner.BackOffMessage(TimeSpan.FromMilliseconds(delayMs), exitCode, crashes));

    private string? Annotation(string key) => _api.Read(LeaseName).Metadata.Annotations?.TryGetValue(key, out var value) == true ? value : null;

    [Fact]
    public async Task Watchdog_WithoutAnyStateEvent_KillsTheCollectorOnceTheActingWindowCloses()
    {
        _api.Seed(LeaseName, "pod-a", terms: Fast);
        await using var run = Start();
        await WaitUntil(() => run.Child.IsRunning);

        // Lose every event the holder would raise: only the watchdog is left to notice the window closing.
        typeof(LeaseHolder).GetField(nameof(LeaseHolder.StateChanged), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.SetValue(run.Holder, null);
        _api.Unreachable = true;
        await WaitUntil(() => !run.Child.IsRunning);

        Assert.False(run.Holder.InActingWindow);
    }

    private Running Start(string command = "/bin/sleep", params string[] args) => Start(null, command, args);

    private Running Start(RestartBackoff? backoff, string command = "/bin/sleep", params string[] args)
    {
        var holder = new LeaseHolder(_api, new LeaseHolderOptions { Namespace = "default", LeaseName = LeaseName, Identity = "pod-a", DefaultTerms = Fast }, static () => null);
        var child = new ChildProcess(command, args.Length == 0 ? ["30"] : args);
        var runner = new LeaseGatedRunner(holder, child, TimeSpan.FromSeconds(2), backoff: backoff);
        var cts = new CancellationTokenSource();
        return new Running(holder, child, runner, cts, runner.RunAsync(cts.Token));
    }

    private static async Task WaitUntil(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not reached within {seconds} s");
            await Task.Delay(10);
        }
    }

    private sealed record Running(LeaseHolder Holder, ChildProcess Child, LeaseGatedRunner Runner, CancellationTokenSource Stop, Task Run) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stop.CancelAsync();
            await Run.WaitAsync(TimeSpan.FromSeconds(20));
            Runner.Dispose();
            Child.Dispose();
            await Holder.DisposeAsync();
            Stop.Dispose();
        }
    }
}
