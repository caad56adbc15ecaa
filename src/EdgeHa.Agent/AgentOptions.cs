using EdgeHa.Fencing;

namespace EdgeHa.Agent;

/// <summary>What the agent wraps and under which lease.</summary>
internal sealed class AgentOptions
{
    public required LeaseHolderOptions Lease { get; init; }

    /// <summary>The collector's executable.</summary>
    public required string Command { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>How long the collector gets to stop after SIGTERM on a planned handover.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The kubeconfig to use; null = the standard order (KUBECONFIG, ~/.kube/config, in-cluster).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static AgentOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        string? ns = env("EDGEHA_LEASE_NAMESPACE") ?? env("POD_NAMESPACE");
        string? name = env("EDGEHA_LEASE_NAME");
        string? identity = env("POD_NAME");
        string? kubeconfig = null;
        var grace = TimeSpan.FromSeconds(5);
        var i = 0;
        for (; i < args.Count && args[i] != "--"; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--lease-namespace": ns = Value(); break;
                case "--lease-name": name = Value(); break;
                case "--identity": identity = Value(); break;
                case "--kubeconfig": kubeconfig = Value(); break;
                case "--stop-grace-ms":
                    grace = int.TryParse(Value(), out var ms) && ms >= 0
                        ? TimeSpan.FromMilliseconds(ms)
                        : throw new ArgumentException("--stop-grace-ms takes a whole number of milliseconds (0 or more)");
                    break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (i + 1 >= args.Count)
        {
            throw new ArgumentException("no command: put the collector's command after --");
        }

        return new AgentOptions
        {
            Lease = new LeaseHolderOptions
            {
                Namespace = ns ?? throw new ArgumentException("no lease namespace: set --lease-namespace or EDGEHA_LEASE_NAMESPACE"),
                LeaseName = name ?? throw new ArgumentException("no lease name: set --lease-name or EDGEHA_LEASE_NAME"),
                Identity = identity ?? throw new ArgumentException("no identity: set --identity or POD_NAME"),
            },
            Command = args[i + 1],
            Arguments = args.Skip(i + 2).ToArray(),
            StopGrace = grace,
            Kubeconfig = kubeconfig,
        };
    }

    public const string Usage = """
        usage: edgeha-agent [--lease-namespace NS] [--lease-name NAME] [--identity POD] [--kubeconfig FILE] [--stop-grace-ms 5000] -- COMMAND [ARGS...]
        Runs COMMAND only while this pod holds the pair's Lease; stops it before the lease could expire.
        Defaults come from the environment the operator injects: EDGEHA_LEASE_NAMESPACE, EDGEHA_LEASE_NAME, POD_NAME.
        """;
}
