using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// The kubelet's work for one pod: start its containers, probe readiness, and keep the pod's status in the API equal to
/// what the runtime and probes say (compared with the status last seen, so a status someone else wrote is corrected).
/// </summary>
internal sealed class PodWorker : IAsyncDisposable
{
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(2);

    private readonly IKubernetesClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action _statusWritten;
    private readonly Signal _wake = new();
    private readonly CancellationTokenSource _cts;
    private readonly IRunningPod _running;
    private readonly List<(int Index, ReadinessProber Prober)> _probers = [];
    private readonly Task _loop;
    private readonly List<Task> _probeLoops = [];
    private readonly DateTimeOffset _startTime;
    private readonly Dictionary<string, int> _restartBase = new(StringComparer.Ordinal);
    private volatile Pod _observed;

    public PodWorker(Pod pod, string podIp, string hostIp, string nodeName, IPodRuntime runtime, IKubernetesClient client, TimeSpan? probePeriodOverride, TimeProvider time, ILogger logger, Action statusWritten, CancellationToken nodeToken)
    {
        _observed = pod;
        _client = client;
        _time = time;
        _logger = logger;
        _statusWritten = statusWritten;
        PodIP = podIp;
        HostIP = hostIp;
        Uid = pod.Metadata.Uid ?? "";
        _startTime = pod.Status?.StartTime ?? time.GetUtcNow();
        _cts = CancellationTokenSource.CreateLinkedTokenSource(nodeToken);
        foreach (var previous in pod.Status?.ContainerStatuses ?? [])
        {
            // A pod that already ran here (the node rebooted): its containers start again as restarts.
            var ran = previous.State is { ValueKind: JsonValueKind.Object } st && (st.TryGetProperty("running", out _) || st.TryGetProperty("terminated", out _));
            _restartBase[previous.Name] = previous.RestartCount + (ran ? 1 : 0);
        }

        var containers = pod.Spec?.Containers ?? [];
        for (var i = 0; i < containers.Count; i++)
        {
            if (containers[i].ReadinessProbe is not null)
            {
                _probers.Add((i, new ReadinessProber(containers[i], podIp, probePeriodOverride)));
            }
        }

        var launch = PodEnvironment.Launch(pod, podIp, nodeName, hostIp);
        _running = runtime.Start(launch, _wake.Set);
        foreach (var (index, prober) in _probers)
        {
            _probeLoops.Add(Task.Run(() => ProbeLoopAsync(index, prober, _cts.Token)));
        }

        _loop = Task.Run(() => StatusLoopAsync(_cts.Token));
    }

    public string Uid { get; }

    public string PodIP { get; }

    public string HostIP { get; }

    public IRunningPod Running => _running;

    /// <summary>The newest copy of the pod from the watch.</summary>
    public Pod Observed
    {
        get => _observed;
        set
        {
            _observed = value;
            _wake.Set();
        }
    }

    /// <summary>The machine died: kill every process now and write nothing more.</summary>
    public async ValueTask KillAsync()
    {
        await _cts.CancelAsync();
        await _running.KillAsync();
        await WaitAsync();
    }

    /// <summary>Stops the containers gracefully (pod deleted or replaced).</summary>
    public async ValueTask StopAsync(TimeSpan grace)
    {
        await _cts.CancelAsync();
        await _running.StopAsync(grace);
        await WaitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(2));
        _cts.Dispose();
    }

    private async Task WaitAsync()
    {
        try
        {
            await Task.WhenAll([_loop, .. _probeLoops]).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Log.ContainerLoopHung(_logger, _observed.Metadata.Namespace ?? "", _observed.Metadata.Name ?? "");
        }
    }

    private async Task ProbeLoopAsync(int index, ReadinessProber prober, CancellationToken ct)
    {
        try
        {
            DateTimeOffset? runningSince = null;
            while (!ct.IsCancellationRequested)
            {
                var state = _running.Containers[index];
                if (state.State != ContainerRunState.Running)
                {
                    runningSince = null;
                    if (prober.Ready)
                    {
                        prober.Reset();
                        _wake.Set();
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200, prober.Period.TotalMilliseconds)), _time, ct);
                    continue;
                }

                runningSince ??= state.StartedAt ?? _time.GetUtcNow();
                if (_time.GetUtcNow() - runningSince < prober.InitialDelay)
                {
                    await Task.Delay(prober.InitialDelay - (_time.GetUtcNow() - runningSince.Value), _time, ct);
                    continue;
                }

                var started = _time.GetTimestamp();
                if (await prober.ProbeAsync(ct))
                {
                    _wake.Set();
                }

                var rest = prober.Period - _time.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _time, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task StatusLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await SyncStatusAsync(ct);
                await _wake.WaitAsync(ResyncPeriod, _time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task SyncStatusAsync(CancellationToken ct)
    {
        var observed = _observed;
        var desired = Desired(observed);
        if (Signature(desired) == Signature(observed.Status))
        {
            return;
        }

        try
        {
            var written = await _client.PatchStatusAsync<Pod>(observed.Metadata.Name!, KubePatch.Merge(new { status = desired }), observed.Metadata.Namespace, ct);
            if (written.Metadata.Uid == Uid)
            {
                _observed = written;
            }

            _statusWritten();
        }
        catch (NotFoundException)
        {
            // deleted: the kubelet stops this worker when the watch says so
        }
        catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or TimeoutException)
        {
            Log.PodStatusFailed(_logger, observed.Metadata.Namespace ?? "", observed.Metadata.Name ?? "", ex.Message);
        }
    }

    /// <summary>The status the kubelet would post now.</summary>
    internal PodStatus Desired(Pod observed)
    {
        var now = _time.GetUtcNow();
        var spec = observed.Spec?.Containers ?? [];
        var states = _running.Containers;
        var statuses = new List<ContainerStatus>();
        var allReady = states.Count > 0;
        var anyStarted = false;
        for (var i = 0; i < states.Count; i++)
        {
            var s = states[i];
            var prober = _probers.FirstOrDefault(p => p.Index == i).Prober;
            var ready = s.State == ContainerRunState.Running && (prober?.Ready ?? true);
            allReady &= ready;
            anyStarted |= s.State == ContainerRunState.Running || s.StartedAt is not null;
            statuses.Add(new ContainerStatus
            {
                Name = s.Name,
                Image = s.Image,
                Ready = ready,
                Started = s.State == ContainerRunState.Running,
                RestartCount = s.RestartCount + _restartBase.GetValueOrDefault(s.Name),
                State = StateJson(s),
                Extra = new Dictionary<string, JsonElement> { ["imageID"] = JsonSerializer.SerializeToElement("sandbox://" + s.Image) },
            });
        }

        var old = observed.Status?.Conditions ?? [];
        PodCondition Condition(string type, bool status, string? reason = null, string? message = null)
        {
            var value = status ? "True" : "False";
            var previous = old.FirstOrDefault(c => c.Type == type);
            return new PodCondition
            {
                Type = type,
                Status = value,
                LastTransitionTime = previous?.Status == value ? previous.LastTransitionTime : Truncate(now),
                Reason = status ? null : reason,
                Message = status ? null : message,
            };
        }

        var notReady = string.Join(", ", states.Where((s, i) => !statuses[i].Ready).Select(s => s.Name));
        var message = notReady.Length == 0 ? null : $"containers with unready status: [{notReady}]";
        return new PodStatus
        {
            Phase = anyStarted ? "Running" : "Pending",
            PodIP = PodIP,
            HostIP = HostIP,
            StartTime = Truncate(_startTime),
            Conditions =
            [
                Condition("PodScheduled", true),
                Condition("Initialized", true),
                Condition("ContainersReady", allReady, "ContainersNotReady", message),
                Condition("Ready", allReady, "ContainersNotReady", message),
            ],
            ContainerStatuses = statuses,
            Extra = new Dictionary<string, JsonElement>
            {
                ["podIPs"] = JsonSerializer.SerializeToElement(new[] { new { ip = PodIP } }),
                ["hostIPs"] = JsonSerializer.SerializeToElement(new[] { new { ip = HostIP } }),
                ["qosClass"] = JsonSerializer.SerializeToElement("BestEffort"),
            },
        };
    }

    /// <summary>What decides whether the API's copy is stale (times aside).</summary>
    internal static string Signature(PodStatus? status)
    {
        if (status is null)
        {
            return "";
        }

        var sb = new StringBuilder();
        sb.Append(status.Phase).Append('|').Append(status.PodIP).Append('|').Append(status.HostIP).Append('|');
        foreach (var c in status.Conditions ?? [])
        {
            sb.Append(c.Type).Append('=').Append(c.Status).Append(',');
        }

        foreach (var c in status.ContainerStatuses ?? [])
        {
            sb.Append('|').Append(c.Name).Append(':').Append(c.Ready).Append(':').Append(c.RestartCount).Append(':');
            if (c.State is { ValueKind: JsonValueKind.Object } state)
            {
                foreach (var p in state.EnumerateObject())
                {
                    sb.Append(p.Name);
                    if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("reason", out var reason))
                    {
                        sb.Append('/').Append(reason.GetString());
                    }
                }
            }
        }

        return sb.ToString();
    }

    private static JsonElement StateJson(ContainerRuntimeStatus s) => s.State switch
    {
        ContainerRunState.Running => JsonSerializer.SerializeToElement(new { running = new { startedAt = Time(s.StartedAt) } }),
        ContainerRunState.Terminated => JsonSerializer.SerializeToElement(new
        {
            terminated = new { exitCode = s.ExitCode ?? -1, reason = s.Reason ?? "Error", startedAt = Time(s.StartedAt), finishedAt = Time(s.FinishedAt) },
        }),
        _ => s.Message is null
            ? JsonSerializer.SerializeToElement(new { waiting = new { reason = s.Reason ?? "ContainerCreating" } })
            : JsonSerializer.SerializeToElement(new { waiting = new { reason = s.Reason ?? "ContainerCreating", message = s.Message } }),
    };

    private static string? Time(DateTimeOffset? t) =>
        t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
