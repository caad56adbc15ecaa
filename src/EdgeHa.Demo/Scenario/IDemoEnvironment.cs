using EdgeHa.Demo.Data;

namespace EdgeHa.Demo.Scenario;

/// <summary>What the demo script acts on: the sandbox cluster with its nodes, load balancer and operator (or fakes in tests).</summary>
public interface IDemoEnvironment
{
    /// <summary>Creates the pair.</summary>
    Task ApplyPairAsync(PairManifest pair, CancellationToken cancellationToken);

    /// <summary>Deletes the pair and waits until its collector pods are gone.</summary>
    Task DeletePairAsync(PairManifest pair, CancellationToken cancellationToken);

    /// <summary>
    /// Changes the collector's pod template as an upgrade does (sets env DEMO_REVISION on every container), which the
    /// operator rolls: standby first, a planned switchover, then the former active.
    /// </summary>
    Task ChangeCollectorTemplateAsync(PairManifest pair, string revision, CancellationToken cancellationToken);

    /// <summary>The node's machine dies (heartbeats stop, its processes are killed).</summary>
    Task CrashNodeAsync(string node, CancellationToken cancellationToken);

    /// <summary>The node's machine boots again.</summary>
    Task RestoreNodeAsync(string node, CancellationToken cancellationToken);

    /// <summary>The pair's status now, or null when the pair has none yet.</summary>
    Task<PairSnapshot?> GetPairAsync(PairManifest pair, CancellationToken cancellationToken);

    /// <summary>The pair Lease (&lt;pair&gt;-active), or null when it does not exist.</summary>
    Task<LeaseSnapshot?> GetLeaseAsync(PairManifest pair, CancellationToken cancellationToken);

    /// <summary>The Events about the pair so far.</summary>
    Task<IReadOnlyList<PairEvent>> GetEventsAsync(PairManifest pair, CancellationToken cancellationToken);

    /// <summary>The route of the pair's VIP.</summary>
    IVipRoute VipRoute(PairManifest pair);

    /// <summary>How samples are read through the VIP.</summary>
    ISampleFetcher Fetcher { get; }

    /// <summary>The MQTT broker the pair's collectors publish to, or null when the environment runs none.</summary>
    Uri? MqttBroker { get; }

    /// <summary>Subscribes to the pair's sample topic at <see cref="MqttBroker"/> (QoS 1, a persistent session); done once it is subscribed.</summary>
    Task<ISampleSubscription> SubscribeAsync(PairManifest pair, CancellationToken cancellationToken);
}
