using System.Diagnostics;
using System.Globalization;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Failover.Bench;

/// <summary>
/// Two operator replicas (their own processes, the default leader-election timings) on the sandbox API server; the
/// leader is stopped with SIGTERM, as kubelet does in a rolling restart, and the time until the other replica holds
/// the leader Lease is measured; the stopped replica is replaced and the round repeats.
/// </summary>
internal sealed class LeaderHandoverPhase(string operatorDll, string workDirectory, ResultTable table, Action<string> say)
{
    private const string LeaderLease = "edgeha-operator-leader";
    private const int Rounds = 5;

    public async Task RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(workDirectory);
        await using var server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0, UseHttps = false }, cancellationToken: ct);
        await BenchEnvironment.CreateCrdAsync(server, ct);
        var kubeconfig = Path.Combine(workDirectory, "kubeconfig");
        server.WriteKubeconfig(kubeconfig);
        using var client = BenchEnvironment.NewClient(server, TimeSpan.FromSeconds(5));

        var next = 1;
        async Task<(string Identity, OperatorProcess Process)> StartAsync()
        {
            var identity = $"operator-{next++}";
            return (identity, await OperatorProcess.StartAsync(operatorDll, kubeconfig, Path.Combine(workDirectory, identity + ".log"), ct, identity));
        }

        var replicas = new List<(string Identity, OperatorProcess Process)> { await StartAsync() };
        await WaitForLeaderAsync(client, replicas[0].Identity, TimeSpan.FromSeconds(30), ct);
        replicas.Add(await StartAsync());
        var handovers = new List<double>();
        var exits = new List<double>();
        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct); // the standby replica has started and watches
                var holder = await HolderAsync(client, ct);
                var leader = replicas.Single(r => r.Identity == holder);
                var other = replicas.Single(r => r.Identity != holder);
                var signalled = Stopwatch.GetTimestamp();
                var exit = Task.Run(async () => (Code: await leader.Process.TerminateAsync(ct), At: Stopwatch.GetElapsedTime(signalled).TotalMilliseconds), ct);
                await WaitForLeaderAsync(client, other.Identity, TimeSpan.FromSeconds(30), ct);
                handovers.Add(Stopwatch.GetElapsedTime(signalled).TotalMilliseconds);
                var (code, exitedAt) = await exit;
                exits.Add(exitedAt);
                say($"handover {round + 1}: {leader.Identity} exited {code} after {exits[^1]:F0} ms; {other.Identity} leading after {handovers[^1]:F0} ms");
                await leader.Process.DisposeAsync();
                replicas.Remove(leader);
                replicas.Add(await StartAsync());
            }
        }
        finally
        {
            foreach (var (_, process) in replicas)
            {
                await process.DisposeAsync();
            }
        }

        handovers.Sort();
        exits.Sort();
        var median = handovers[handovers.Count / 2];
        table.Add($"operator leader handover, SIGTERM -> other replica leading (median / max, n={Rounds})", $"{F(median)} / {F(handovers[^1])} ms", "<= 1000 ms", median <= 1000);
        table.Add($"operator exit after SIGTERM (max, n={Rounds})", $"{F(exits[^1])} ms", "<= 2000 ms", exits[^1] <= 2000);
    }

    private static async Task<string?> HolderAsync(KubernetesClient client, CancellationToken ct)
    {
        try
        {
            return (await client.GetAsync<Lease>(LeaderLease, "default", ct)).Spec?.HolderIdentity;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private static async Task WaitForLeaderAsync(KubernetesClient client, string identity, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (await HolderAsync(client, ct) != identity)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{identity} did not lead within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(5, ct);
        }
    }

    private static string F(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
}
