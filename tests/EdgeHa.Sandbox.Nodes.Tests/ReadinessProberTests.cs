using System.Net;
using System.Net.Sockets;
using EdgeHa.Kube.Models;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class ReadinessProberTests
{
    private static Container TcpContainer(int port, int failureThreshold = 2, int successThreshold = 1) => new()
    {
        Name = "main",
        Ports = [new ContainerPort { Name = "svc", Port = port }],
        ReadinessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = "svc" }, PeriodSeconds = 7, FailureThreshold = failureThreshold, SuccessThreshold = successThreshold },
    };

    [Fact]
    public async Task ProbeAsync_Tcp_ReadyWhileListeningThenNotReadyAfterFailureThreshold()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var prober = new ReadinessProber(TcpContainer(port), "127.0.0.1", null);

        Assert.Equal(TimeSpan.FromSeconds(7), prober.Period);
        Assert.True(await prober.ProbeAsync(CancellationToken.None));
        Assert.True(prober.Ready);

        listener.Stop();

        Assert.False(await prober.ProbeAsync(CancellationToken.None)); // one failure is below the threshold
        Assert.True(prober.Ready);
        Assert.True(await prober.ProbeAsync(CancellationToken.None));
        Assert.False(prober.Ready);
        Assert.NotNull(prober.LastError);
    }

    [Fact]
    public async Task ProbeAsync_SuccessThreshold_NeedsConsecutiveSuccesses()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var prober = new ReadinessProber(TcpContainer(port, successThreshold: 2), "127.0.0.1", TimeSpan.FromMilliseconds(200));
        var tolerant = new ReadinessProber(TcpContainer(port, successThreshold: 2), "127.0.0.1", TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromMilliseconds(200), prober.Period);
        Assert.Equal(TimeSpan.FromMilliseconds(200), prober.Timeout); // a faster period brings a matching timeout
        prober = tolerant; // probe with the default 1 s timeout: a loaded CI machine must not fail the test
        Assert.False(await prober.ProbeAsync(CancellationToken.None));
        Assert.True(await prober.ProbeAsync(CancellationToken.None));
        Assert.True(prober.Ready);
    }

    [Fact]
    public async Task ProbeAsync_UndeclaredNamedPort_NotReadyWithReason()
    {
        var container = TcpContainer(1);
        container.ReadinessProbe!.TcpSocket!.Port = "nope";
        var prober = new ReadinessProber(container, "127.0.0.1", null);

        Assert.False(await prober.ProbeAsync(CancellationToken.None));
        Assert.Contains("nope", prober.LastError, StringComparison.Ordinal);
    }
}
