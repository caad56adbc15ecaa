using System.Globalization;
using EdgeHa.Demo.Data;
using EdgeHa.Demo.Infrastructure;
using EdgeHa.Demo.Measurement;
using EdgeHa.Demo.Scenario;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;

namespace EdgeHa.Demo;

/// <summary>The demo's commands: run (the whole story), up (keep a sandbox running), node (crash/restore in a running sandbox).</summary>
public sealed class DemoApp(ConsoleUi ui, TimeProvider time)
{
    public const string HotManifest = "redundantpair_hot.yaml";
    public const string ColdManifest = "redundantpair_cold.yaml";

    /// <summary>Which MQTT broker to run when --broker does not say: embedded (the default), mosquitto or none.</summary>
    public const string BrokerVariable = "EDGEHA_DEMO_BROKER";

    public async Task<int> RunAsync(DemoCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.Kind switch
        {
            DemoCommandKind.Run => await RunDemoAsync(command, cancellationToken),
            DemoCommandKind.Up => await UpAsync(command, cancellationToken),
            DemoCommandKind.Node => await NodeAsync(command, cancellationToken),
            _ => ExitCodes.Usage,
        };
    }

    private async Task<int> RunDemoAsync(DemoCommand command, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(command.Timeout);
        var ct = limit.Token;
        if (!TryLoad(command, out var repo, out var pairs))
        {
            return ExitCodes.StepFailed;
        }

        var work = command.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"edgeha-demo-{Environment.ProcessId}");
        ui.WriteLine($"== EdgeHa demo: {string.Join(" then ", pairs.Select(p => p.Mode + " standby"))} (work dir {work})");
        var results = new List<ModeResult>();
        try
        {
            await using var env = await StartEnvironmentAsync(repo, work, command, ct);
            if (env is null)
            {
                return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.StepFailed;
            }

            var scenario = new DemoScenario(env, time, new ScenarioTimings(), ui);
            for (var i = 0; i < pairs.Count; i++)
            {
                ui.WriteLine("");
                ui.WriteLine($"== {pairs[i].Mode} standby: RedundantPair {pairs[i].Name}");
                var result = await scenario.RunAsync(pairs[i], deleteAfter: i < pairs.Count - 1, ct);
                results.Add(result);
                Report(result);
                if (result.FailedStep is not null)
                {
                    if (env.Operator is { } op)
                    {
                        ui.WriteLine($"   the operator's log ends with ({op.LogPath}):\n{op.Tail(12)}");
                    }

                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            ui.EndStatus();
            ui.WriteLine(cancellationToken.IsCancellationRequested ? "!! interrupted; everything started was stopped" : $"!! the demo hit its {command.Timeout.TotalSeconds} s limit; everything started was stopped");
            return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.StepFailed;
        }

        ui.WriteLine("");
        ui.WriteLine("== summary");
        foreach (var r in results)
        {
            ui.WriteLine($"   {r.Pair.Mode,-4} standby: {(r.Verdict.Passed ? "PASS" : "FAIL")}{(r.FailedStep is { } f ? $" ({f})" : "")}");
        }

        ui.WriteLine($"   logs: {Path.Combine(work, "logs")}");
        if (results.Count < pairs.Count || results.Any(r => r.FailedStep is not null))
        {
            return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.StepFailed;
        }

        return results.All(r => r.Verdict.Passed) ? ExitCodes.Passed : ExitCodes.GoalMissed;
    }

    private async Task<int> UpAsync(DemoCommand command, CancellationToken cancellationToken)
    {
        if (!TryLoad(command with { Mode = "hot" }, out var repo, out var pairs))
        {
            return ExitCodes.StepFailed;
        }

        var work = command.WorkDirectory ?? DemoCommandLine.DefaultUpDirectory;
        var ready = Path.Combine(work, "ready");
        File.Delete(ready);
        await using var env = await StartEnvironmentAsync(repo, work, command, cancellationToken);
        if (env is null)
        {
            return ExitCodes.StepFailed;
        }

        var pair = pairs[0];
        try
        {
            await env.ApplyPairAsync(pair, cancellationToken);
        }
        catch (StepFailedException e)
        {
            ui.WriteLine($"!! {e.Message}");
            return ExitCodes.StepFailed;
        }

        var route = env.VipRoute(pair);
        var power = new NodePower(env.Cluster, env.Client, ui.WriteLine);
        var powerLoop = power.RunAsync(TimeSpan.FromMilliseconds(300), cancellationToken);

        // Wait (bounded) for the load balancer to serve the VIP, so the curl line can name its local address.
        VipTarget? target = null;
        for (var i = 0; i < 120 && !cancellationToken.IsCancellationRequested && (target = route.Current()) is null; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var lines = new[]
        {
            $"The sandbox runs with RedundantPair {pair.Name} ({pair.Mode} standby on {pair.PrimaryNode} / {pair.StandbyNode}).",
            $"  export KUBECONFIG={env.KubeconfigPath}",
            "  kubectl get rp -w",
            "  kubectl get pods,svc,lease -o wide",
            $"  dotnet run --project src/EdgeHa.Demo -- node crash {pair.PrimaryNode}     # or: kubectl annotate node {pair.PrimaryNode} {NodePower.PowerAnnotation}=off --overwrite",
            $"  dotnet run --project src/EdgeHa.Demo -- node restore {pair.PrimaryNode}   # or: kubectl annotate node {pair.PrimaryNode} {NodePower.PowerAnnotation}=on --overwrite",
            target is null
                ? $"  (the VIP {route.Name} is not served yet; see {Path.Combine(work, "demo-up.log")})"
                : $"  curl -s 'http://{target.Endpoint}/samples?limit=3'   # the VIP {route.Name}, served on loopback",
            env.MqttBroker is { } mqtt
                ? $"  mosquitto_sub -h {mqtt.Host} -p {mqtt.Port} -q 1 -t 'edgeha/{pair.Namespace}/{pair.Name}/samples' -v   # the collectors' MQTT samples"
                : "  (no MQTT broker: --broker none)",
            "  make demo-down",
        };
        foreach (var line in lines)
        {
            ui.WriteLine(line);
        }

        await File.WriteAllTextAsync(ready, string.Join('\n', lines) + "\n", cancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // demo-down
        }

        await powerLoop;
        ui.WriteLine("stopping the sandbox");
        return ExitCodes.Passed;
    }

    private async Task<int> NodeAsync(DemoCommand command, CancellationToken cancellationToken)
    {
        var kubeconfig = command.Kubeconfig ?? Path.Combine(command.WorkDirectory ?? DemoCommandLine.DefaultUpDirectory, "kubeconfig");
        if (!File.Exists(kubeconfig))
        {
            ui.WriteLine($"!! no sandbox kubeconfig at {kubeconfig}: start one with `make demo-up` (or pass --kubeconfig)");
            return ExitCodes.StepFailed;
        }

        using var client = new KubernetesClient(KubeConfigLoader.FromKubeConfigFiles([kubeconfig]));
        var power = command.NodeAction == "crash" ? "off" : "on";
        try
        {
            await NodePower.RequestAsync(client, command.NodeName!, power, TimeSpan.FromSeconds(20), cancellationToken);
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
        {
            ui.WriteLine($"!! node {command.NodeAction} {command.NodeName}: {e.Message}");
            return ExitCodes.StepFailed;
        }

        ui.WriteLine($"node {command.NodeName} {(power == "off" ? "crashed" : "restored")}");
        return ExitCodes.Passed;
    }

    private bool TryLoad(DemoCommand command, out RepositoryLayout repo, out List<PairManifest> pairs)
    {
        pairs = [];
        repo = RepositoryLayout.Find(AppContext.BaseDirectory) ?? RepositoryLayout.Find(Environment.CurrentDirectory)!;
        if (repo is null)
        {
            ui.WriteLine($"!! cannot find the repository ({RepositoryLayout.SolutionFile}) above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}");
            return false;
        }

        var files = command.Mode switch
        {
            "hot" => new[] { HotManifest },
            "cold" => [ColdManifest],
            _ => [HotManifest, ColdManifest],
        };
        foreach (var file in files)
        {
            var path = Path.Combine(repo.DemoSamples, file);
            try
            {
                var docs = YamlJson.Documents(File.ReadAllText(path), path);
                pairs.Add(PairManifest.FromObject(docs.Single(d => d["kind"]?.GetValue<string>() == "RedundantPair")));
            }
            catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
            {
                ui.WriteLine($"!! cannot load the demo pair {path}: {e.Message}");
                return false;
            }
        }

        return true;
    }

    private async Task<SandboxDemoEnvironment?> StartEnvironmentAsync(RepositoryLayout repo, string work, DemoCommand command, CancellationToken ct)
    {
        var asked = Environment.GetEnvironmentVariable(BrokerVariable);
        var broker = command.Broker ?? (string.IsNullOrWhiteSpace(asked) ? DemoBrokerKind.Embedded : DemoCommandLine.ParseBroker(asked));
        if (broker is null)
        {
            ui.WriteLine($"!! {BrokerVariable}='{asked}' is not embedded, mosquitto or none");
            return null;
        }

        var options = new DemoEnvironmentOptions { WorkDirectory = work, Repository = repo, Configuration = command.Configuration, Broker = broker.Value };
        try
        {
            return await SandboxDemoEnvironment.StartAsync(options, s => ui.WriteLine(s.StartsWith(' ') ? s : "-- " + s), ct);
        }
        catch (DemoSetupException e)
        {
            ui.WriteLine($"!! the demo could not {e.Step}: {e.Message[(e.Step.Length + 2)..]}");
            ui.WriteLine($"   logs: {options.LogDirectory}");
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            ui.WriteLine("!! interrupted while starting; everything started was stopped");
            return null;
        }
    }

    private void Report(ModeResult result)
    {
        ui.WriteLine("");
        ui.WriteLine($"-- timeline ({result.Pair.Mode} standby; t = 0 at {result.Origin.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} UTC)");
        foreach (var line in result.Timeline.Render(result.Origin).TrimEnd('\n').Split('\n'))
        {
            ui.WriteLine(line);
        }

        ui.WriteLine("");
        ui.WriteLine($"-- results ({result.Pair.Mode} standby): {(result.Verdict.Passed ? "PASS" : "FAIL")}");
        foreach (var line in ResultsTable.Render(result.Pair.Mode, result.PredictedFailoverMs, result.Transitions, result.Continuity, result.Verdict, result.Subscriber).TrimEnd('\n').Split('\n'))
        {
            ui.WriteLine(line);
        }

        // bench/upgrade/run.sh sets this to put the upgrade's figures into make bench's table.
        if (Environment.GetEnvironmentVariable("EDGEHA_DEMO_BENCH_ROWS") == "1")
        {
            foreach (var row in BenchRows.Upgrade(result.Pair.Mode, result.Pair.Hot, result.Transitions))
            {
                ui.WriteLine(row);
            }
        }
    }
}
