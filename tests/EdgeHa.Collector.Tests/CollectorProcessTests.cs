using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.ModbusSimulator;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Collector.Tests;

/// <summary>The built collector program, run as a real process and stopped with a real SIGTERM, as kubelet does.</summary>
public sealed class CollectorProcessTests : IAsyncLifetime
{
    private const string LeaseName = "line-1-active";
    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(2);
    private SimulatorHost _device = null!;

    public async Task InitializeAsync()
    {
        _device = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Map = SimulatorMap.Default,
            BindAddress = IPAddress.Loopback,
            ModbusPort = 0,
            HttpPort = null,
            MinimumLogLevel = LogLevel.Warning,
        });
    }

    public async Task DisposeAsync() => await _device.DisposeAsync();

    [Fact]
    public async Task Sigterm_ManualActive_StopsWithinTwoSecondsWithExitCodeZeroAndEveryLineFlushed()
    {
        using var collector = CollectorProcess.Start(["--role", "active", .. CommonArgs()]);
        await collector.WaitUntilAsync(() => collector.Samples.Count >= 3, "the collector publishes");

        var exit = await collector.TerminateAsync();

        Assert.True(exit.Code == 0, $"exit code {exit.Code}; stderr:\n{collector.Errors}");
        Assert.True(exit.After < ExitWithin, $"exited {exit.After.TotalMilliseconds:0} ms after SIGTERM");
        Assert.Contains("Stopped; last published sequence", collector.Errors, StringComparison.Ordinal);
        var numbers = collector.Samples.Select(s => s.GetProperty("sample").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
    }

    [Fact]
    public async Task Sigterm_LeaseHolder_ReleasesTheLeaseWithTheLastSequenceItPublished()
    {
        await using var api = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0 });
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"edgeha-collector-process-{Guid.NewGuid():N}.yaml");
        api.WriteKubeconfig(kubeconfig);
        try
        {
            using var client = new KubernetesClient(KubeConfigLoader.FromKubeConfigFiles([kubeconfig]));
            var lease = new Lease
            {
                Metadata = new ObjectMeta { Name = LeaseName, Namespace = "default", Annotations = new Dictionary<string, string> { [FencingAnnotations.Epoch] = "3" } },
                Spec = new LeaseSpec { HolderIdentity = "pod-a" },
            };
            new LeaseTerms(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)).WriteTo(lease);
            await client.CreateAsync(lease);

            using var collector = CollectorProcess.Start(
                ["--role", "lease", "--kubeconfig", kubeconfig, "--lease-namespace", "default", "--lease-name", LeaseName, "--identity", "pod-a", .. CommonArgs()]);
            await collector.WaitUntilAsync(() => collector.Samples.Count(s => s.GetProperty("epoch").GetInt64() == 3) >= 3, "the holder publishes under epoch 3");

            var exit = await collector.TerminateAsync();

            Assert.True(exit.Code == 0, $"exit code {exit.Code}; stderr:\n{collector.Errors}");
            Assert.True(exit.After < ExitWithin, $"exited {exit.After.TotalMilliseconds:0} ms after SIGTERM");
            var released = await client.GetAsync<Lease>(LeaseName, "default");
            Assert.Null(released.Spec!.HolderIdentity);
            Assert.Equal("pod-a", released.Metadata.Annotations![FencingAnnotations.ReleasedBy]);
            Assert.Equal("3", released.Metadata.Annotations[FencingAnnotations.ReleasedEpoch]);
            var last = collector.Samples[^1].GetProperty("sequence").GetInt32();
            Assert.Equal(last.ToString(CultureInfo.InvariantCulture), released.Metadata.Annotations[FencingAnnotations.LastPublishedSequence]);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [MosquittoFact]
    public async Task WrongMqttPassword_LogsTheRefusalWithoutThePasswordAndStillStopsCleanly()
    {
        await using var broker = await MosquittoBroker.StartAsync(("collector", "right"));
        var passwordFile = Path.Combine(broker.Folder, "collector-password");
        await File.WriteAllTextAsync(passwordFile, "Wr0ngPassw0rd\n");

        using var collector = CollectorProcess.Start(
        [
            "--role", "active", "--mqtt-broker", broker.Url.ToString(), "--mqtt-topic", "edgeha/test/samples",
            "--mqtt-username", "collector", "--mqtt-password-file", passwordFile, .. CommonArgs(stdout: false),
        ]);
        await collector.WaitUntilAsync(() => collector.Errors.Contains("authentication refused", StringComparison.Ordinal), "the refusal is logged");

        var exit = await collector.TerminateAsync();

        Assert.Contains("fail: EdgeHa.Collector[11] MQTT: authentication refused by mqtt://127.0.0.1:", collector.Errors, StringComparison.Ordinal);
        Assert.Contains("check --mqtt-username and --mqtt-password-file", collector.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ngPassw0rd", collector.Errors, StringComparison.Ordinal);
        Assert.True(exit.Code == 0, $"exit code {exit.Code}; stderr:\n{collector.Errors}");
    }

    private string[] CommonArgs(bool stdout = true) =>
    [
        "--device", $"127.0.0.1:{_device.ModbusEndPoint.Port}",
        "--read", "input:0:4",
        "--sequence", "input:0",
        "--interval-ms", "50",
        "--http-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
        "--bind", "127.0.0.1",
        .. stdout ? ["--stdout-jsonl"] : Array.Empty<string>(),
    ];

    /// <summary>One collector process (<see cref="ProgramProcess"/>): its JSON lines and its log.</summary>
    private sealed class CollectorProcess(ProgramProcess program) : IDisposable
    {
        private IEnumerable<string> Lines => program.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public IReadOnlyList<JsonElement> Samples => [.. Lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

        /// <summary>The log: every line that is not a sample (stderr, and stdout without --stdout-jsonl).</summary>
        public string Errors => string.Join('\n', Lines.Where(l => !l.StartsWith('{')));

        public static CollectorProcess Start(string[] args) =>
            new(ProgramProcess.Start("EdgeHa.Collector.dll", args, unset: ["EDGEHA_LEASE_NAME"]));

        public async Task WaitUntilAsync(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!condition())
            {
                if (program.HasExited)
                {
                    Assert.Fail($"the collector exited ({program.ExitCode}) before {what}:\n{Errors}");
                }

                Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}:\n{Errors}");
                await Task.Delay(20);
            }
        }

        /// <summary>Sends SIGTERM and waits for the exit; returns the exit code and how long it took.</summary>
        public async Task<(int Code, TimeSpan After)> TerminateAsync()
        {
            var sent = Stopwatch.StartNew();
            program.Signal(PosixSignal.SIGTERM);
            Assert.True(await program.WaitForExitAsync(TimeSpan.FromSeconds(20)), $"still running 20 s after SIGTERM:\n{Errors}");
            return (program.ExitCode, sent.Elapsed);
        }

        public void Dispose() => program.Dispose();
    }
}
