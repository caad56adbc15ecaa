using EdgeHa.Sandbox.Nodes.Runtime;
using EdgeHa.Sandbox.Nodes.Tests.Support;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class InProcessPodRuntimeTests
{
    private static readonly RestartBackoff Fast = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

    private static PodLaunch Launch(string image = "edgeha/thing:1") =>
        new("default", "p1", "u1", "127.0.0.1", "node-a", [new ContainerLaunch("main", image, [], [], [new("POD_NAME", "p1")])]);

    [Fact]
    public async Task Start_ContainerExits_RestartedAndOldInstanceDisposed()
    {
        var starts = 0;
        var disposed = 0;
        InProcessContainer? last = null;
        var runtime = new InProcessPodRuntime(new Dictionary<string, InProcessContainerStart>
        {
            ["edgeha/thing"] = (c, _) =>
            {
                Interlocked.Increment(ref starts);
                last = c;
                return Task.FromResult<IAsyncDisposable>(new Disposable(() => Interlocked.Increment(ref disposed)));
            },
        }, Fast);
        await using var pod = runtime.Start(Launch());
        await Eventually.TrueAsync(() => pod.Containers[0].State == ContainerRunState.Running, "running");
        Assert.Equal("p1", last!.Env("POD_NAME"));

        last.Exit(1);

        await Eventually.TrueAsync(() => Volatile.Read(ref starts) == 2 && pod.Containers[0].State == ContainerRunState.Running, "restarted");
        Assert.Equal(1, pod.Containers[0].RestartCount);
        Assert.Equal(1, Volatile.Read(ref disposed));
    }

    [Fact]
    public async Task KillAsync_DisposesContainerAndNeverRestarts()
    {
        var disposed = 0;
        var runtime = new InProcessPodRuntime(_ => (_, _) => Task.FromResult<IAsyncDisposable>(new Disposable(() => Interlocked.Increment(ref disposed))), Fast);
        var pod = runtime.Start(Launch());
        await Eventually.TrueAsync(() => pod.Containers[0].State == ContainerRunState.Running, "running");

        await pod.KillAsync();
        await Task.Delay(200);

        Assert.Equal(1, Volatile.Read(ref disposed));
        await pod.DisposeAsync();
        Assert.Equal(1, Volatile.Read(ref disposed));
    }

    [Fact]
    public async Task Start_StartThrows_RetriedAsRunContainerError()
    {
        var attempts = 0;
        var runtime = new InProcessPodRuntime(_ => (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("boom");
        }, Fast);
        await using var pod = runtime.Start(Launch());

        await Eventually.TrueAsync(() => Volatile.Read(ref attempts) >= 2, "a retry");
        Assert.Equal("RunContainerError", pod.Containers[0].Reason);
        Assert.Equal("boom", pod.Containers[0].Message);
    }

    private sealed class Disposable(Action onDispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            onDispose();
            return ValueTask.CompletedTask;
        }
    }
}
