using System.Globalization;
using System.Runtime.InteropServices;
using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.TestSupport;
using Xunit.Abstractions;

namespace EdgeHa.Agent.Tests;

/// <summary>
/// The real edgeha-agent program holding a real Lease on the sandbox API server and wrapping a shell collector,
/// stopped as kubelet stops it (SIGTERM) and as the kernel's OOM killer does (SIGKILL).
/// </summary>
public sealed class AgentProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string LeaseName = "line-1-active";
    private const string Identity = "pod-a";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    private readonly string _dir = Directory.CreateTempSubdirectory("edgeha-agent-").FullName;
    private SandboxApiServer _server = null!;
    private KubernetesClient _admin = null!;
    private ProgramProcess? _agent;

    private string PidFile => Path.Combine(_dir, "collector.pid");

    private string TermFile => Path.Combine(_dir, "collector.sigterm");

    public async Task InitializeAsync()
    {
        _server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0, UseHttps = false });
        _server.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        _admin = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = _server.Url.ToString(), AccessToken = _server.Token });
        var lease = new Lease { Metadata = new ObjectMeta { Name = LeaseName, Namespace = "default", Annotations = new Dictionary<string, string>() } };
        lease.Spec = new LeaseSpec { HolderIdentity = Identity };
        new LeaseTerms(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300)).WriteTo(lease);
        lease.Metadata.Annotations[FencingAnnotations.Epoch] = "1";
        await _admin.CreateAsync(lease);
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            output.WriteLine(_agent.Output);
            _agent.Dispose();
        }

        if (CollectorPid() is int pid && Alive(pid))
        {
            _ = Kill(pid, 9);
        }

        _admin.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Sigterm_StopsTheCollectorGracefully_ReleasesTheLease_AndExitsZero()
    {
        var collector = await StartAgentAsync();

        _agent!.Signal(PosixSignal.SIGTERM);

        Assert.True(await _agent.WaitForExitAsync(Settle), "the agent was still running 15 s after SIGTERM");
        Assert.Equal(0, _agent.ExitCode);
        Assert.True(File.Exists(TermFile), "the collector never got SIGTERM");
        Assert.False(Alive(collector), "the collector outlived the agent");
        var lease = await _admin.GetAsync<Lease>(LeaseName, "default");
        Assert.Null(lease.Spec!.HolderIdentity);
        Assert.Equal(Identity, lease.Metadata.Annotations![FencingAnnotations.ReleasedBy]);
    }

    [Fact]
    public async Task Sigkill_TheCollectorDiesWithTheAgent()
    {
        var collector = await StartAgentAsync();

        _agent!.KillAbruptly();

        // Not WaitForExitAsync: it also waits for the agent's output pipes to close, which an orphaned collector
        // would hold open.
        var deadline = DateTime.UtcNow + Settle;
        while (Alive(collector) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(Alive(collector), "the collector outlived an agent killed with SIGKILL");
        Assert.False(File.Exists(TermFile), "the collector was signalled gracefully: that was not the parent-death signal");
    }

    /// <summary>Starts the agent with a collector that writes its pid and records a SIGTERM; returns the collector's pid.</summary>
    private async Task<int> StartAgentAsync()
    {
        var script = $"trap \"touch '{TermFile}'; exit 0\" TERM; echo $$ > '{PidFile}'; while :; do sleep 0.05; done";
        _agent = ProgramProcess.Start(
            "edgeha-agent.dll",
            ["--kubeconfig", Path.Combine(_dir, "kubeconfig"), "--lease-namespace", "default", "--lease-name", LeaseName, "--identity", Identity, "--stop-grace-ms", "3000", "--", "/bin/sh", "-c", script]);
        var deadline = DateTime.UtcNow + Settle;
        while (CollectorPid() is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the collector never started; agent output:\n{_agent.Output}");
            Assert.False(_agent.HasExited, $"the agent exited with {(_agent.HasExited ? _agent.ExitCode : 0)}:\n{_agent.Output}");
            await Task.Delay(20);
        }

        return CollectorPid()!.Value;
    }

    private int? CollectorPid() =>
        File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
