using EdgeHa.Controller.LeaderElection;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;
using Xunit.Abstractions;

namespace EdgeHa.Kube.IntegrationTests;

public sealed class ScratchDiag(ITestOutputHelper output)
{
    [Fact]
    public async Task Diag()
    {
        await using var sb = await TestSandbox.StartAsync();
        var name = "lock";
        LeaderElector Make(string id) => new(new KubeLeaseLock(sb.Client, "default", name), new LeaderElectionOptions
        {
            Name = name, Identity = id, LeaseDuration = TimeSpan.FromSeconds(1), RenewDeadline = TimeSpan.FromMilliseconds(600), RetryPeriod = TimeSpan.FromMilliseconds(100),
        }, new LeaderCallbacks { OnStartedLeading = async ct => { output.WriteLine($"{DateTime.UtcNow:ss.fff} {id} started"); await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default); }, OnStoppedLeading = () => output.WriteLine($"{DateTime.UtcNow:ss.fff} {id} stopped") });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var a = Make("a");
        var ra = a.RunAsync(stop.Token);
        await Task.Delay(300);
        var b = Make("b");
        var rb = b.RunAsync(stop.Token);
        for (var i = 0; i < 20; i++)
        {
            var l = await sb.Client.GetAsync<Lease>(name, "default");
            output.WriteLine($"{DateTime.UtcNow:ss.fff} rv={l.Metadata.ResourceVersion} holder={l.Spec!.HolderIdentity} renew={l.Spec.RenewTime:ss.ffffff} dur={l.Spec.LeaseDurationSeconds} a={a.IsLeader} b={b.IsLeader}");
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await Task.WhenAll(ra, rb).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
