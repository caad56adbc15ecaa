using System.Net;
using System.Net.Sockets;
using EdgeHa.Sandbox.Nodes.Runtime;
using EdgeHa.Sandbox.Nodes.Tests.Support;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class ProcessPodRuntimeTests : IDisposable
{
    private readonly string _logs = Path.Combine(Path.GetTempPath(), $"edgeha-nodes-tests-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_logs, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private ProcessPodRuntime Runtime(ImageMap images) => new(new ProcessPodRuntimeOptions
    {
        Images = images,
        LogDirectory = _logs,
        Backoff = new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)),
    });

    private static PodLaunch Launch(string podIp, params ContainerLaunch[] containers) =>
        new("default", "p1", "uid-1", podIp, "node-a", containers);

    private static ContainerLaunch Shell(string image, string script, params KeyValuePair<string, string>[] env) =>
        new("main", image, ["/bin/sh", "-c", script], [], [new("EDGEHA_BIND_ADDRESS", "127.0.0.1"), new("POD_NAME", "p1"), .. env]);

    [ToolFact("/bin/sh", "a POSIX shell is required")]
    public async Task Start_ShellProcess_HonoursEnvAndLogsOutput_KillEndsIt()
    {
        var runtime = Runtime(new ImageMap().AddPassthrough("busybox"));
        var pidFile = Path.Combine(_logs, "pid");
        Directory.CreateDirectory(_logs);
        var pod = runtime.Start(Launch("127.0.0.1", Shell("docker.io/library/busybox:1.36", $"echo \"hello $POD_NAME on $EDGEHA_BIND_ADDRESS\"; echo $$ > {pidFile}; exec sleep 60")));
        await using (pod)
        {
            await Eventually.TrueAsync(() => pod.Containers[0].State == ContainerRunState.Running && File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the process running");
            var log = runtime.LogPath("default", "p1");
            await Eventually.TrueAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("hello p1 on 127.0.0.1", StringComparison.Ordinal), "the greeting in the pod log");
            var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

            await pod.KillAsync();

            await Eventually.TrueAsync(() => !ProcessAlive(pid), "the process killed");
        }
    }

    [ToolFact("/usr/bin/python3", "apt-get install python3")]
    public async Task Start_PythonHttpServer_BindsToPodAddress()
    {
        var podIp = $"127.77.{TestApi.NextNodeIndex()}.9";
        var port = FreePortOn(podIp);
        var runtime = Runtime(new ImageMap().Add("python", "/usr/bin/python3"));
        var container = new ContainerLaunch("web", "python:3.12-slim", [], ["-m", "http.server", "--bind", podIp, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], [new("EDGEHA_BIND_ADDRESS", podIp)]);
        await using var pod = runtime.Start(Launch(podIp, container));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        var answer = await Eventually.ValueAsync(async () => await http.GetStringAsync(new Uri($"http://{podIp}:{port}/")), "the HTTP server on the pod address");

        Assert.Contains("Directory listing", answer, StringComparison.Ordinal);
        await pod.StopAsync(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(new Uri($"http://{podIp}:{port}/")));
    }

    [ToolFact("/bin/sh", "a POSIX shell is required")]
    public async Task Start_ProcessExits_RestartedWithBackoff()
    {
        var runtime = Runtime(new ImageMap().AddPassthrough("busybox"));
        await using var pod = runtime.Start(Launch("127.0.0.1", Shell("busybox", "exit 3")));

        await Eventually.TrueAsync(() => pod.Containers[0].RestartCount >= 2, "two restarts");
        Assert.Contains(File.ReadAllLines(runtime.LogPath("default", "p1")), l => l.Contains("started pid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_UnknownImage_WaitingErrImagePull()
    {
        var runtime = Runtime(new ImageMap().AddDotnet("edgeha/collector", "/opt/EdgeHa.Collector.dll"));
        await using var pod = runtime.Start(Launch("127.0.0.1", Shell("example.org/unknown:1", "true")));

        await Eventually.TrueAsync(() => pod.Containers[0].Reason == "ErrImagePull", "ErrImagePull");
        Assert.Equal(ContainerRunState.Waiting, pod.Containers[0].State);
        Assert.Contains("edgeha/collector", pod.Containers[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_MappedEntrypointThenCommandThenArgs()
    {
        var runtime = Runtime(new ImageMap().AddDotnet("edgeha/collector", "/opt/c.dll", "--fast"));
        var container = new ContainerLaunch("c", "ghcr.io/acme/edgeha/collector:2", ["run"], ["--port", "9000"], []);

        Assert.Equal(["dotnet", "/opt/c.dll", "--fast", "run", "--port", "9000"], runtime.CommandLine(container));
    }

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePortOn(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
