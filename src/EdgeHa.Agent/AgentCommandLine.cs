using System.CommandLine;
using EdgeHa.Fencing;
using EdgeHa.Hosting;

namespace EdgeHa.Agent;

/// <summary>
/// <c>edgeha-agent [flags] -- COMMAND [ARGS...]</c>. The lease flags default to what the operator injects
/// (EDGEHA_LEASE_NAMESPACE, then POD_NAMESPACE; EDGEHA_LEASE_NAME; POD_NAME), so a pair's pod needs no flags.
/// </summary>
internal static class AgentCommandLine
{
    public static ParsedCommandLine<AgentOptions> Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var ns = Flag.Text("--lease-namespace", "the pair Lease's namespace (default EDGEHA_LEASE_NAMESPACE, then POD_NAMESPACE)").Shown("NS");
        var name = Flag.Text("--lease-name", "the pair Lease (default EDGEHA_LEASE_NAME)").Shown("NAME");
        var identity = Flag.Text("--identity", "this holder's identity (default POD_NAME)").Shown("POD");
        var kubeconfig = Flag.Text("--kubeconfig", "kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)").Shown("FILE");
        var grace = Flag.Int("--stop-grace-ms", "how long the collector gets to stop after SIGTERM on a planned handover (default 5000)", 0, int.MaxValue);
        // Everything after "--" is the collector's, flags included.
        var command = new Argument<string[]>("COMMAND") { Description = "the collector's command and its arguments, after --", Arity = ArgumentArity.ZeroOrMore };
        var root = ProgramCommandLine.Root("edgeha-agent",
            "edgeha-agent [options] -- COMMAND [ARGS...] runs COMMAND only while this pod holds the pair's Lease, and stops it before the lease could expire",
            ns, name, identity, kubeconfig, grace);
        root.Add(command);
        return ProgramCommandLine.Parse(root, args, (result, errors) =>
        {
            var argv = result.GetValue(command) ?? [];
            if (argv.Length == 0)
            {
                errors.Add("no command: put the collector's command after --");
            }
            else if (argv.Length > result.CountAfterDoubleDash())
            {
                // Only what follows "--" is the command: before it, an unknown flag would otherwise become the command,
                // and a collector flag the agent also has (--kubeconfig) would silently become the agent's.
                errors.Add($"unexpected '{argv[0]}': put the collector's command after --");
            }

            string? Setting(Option<string> flag, string? fallback, string missing)
            {
                var value = result.GetValueOr(flag, fallback);
                if (value is null)
                {
                    errors.Add(missing);
                }

                return value;
            }

            var leaseNamespace = Setting(ns, env("EDGEHA_LEASE_NAMESPACE") ?? env("POD_NAMESPACE"), "no lease namespace: set --lease-namespace or EDGEHA_LEASE_NAMESPACE");
            var leaseName = Setting(name, env("EDGEHA_LEASE_NAME"), "no lease name: set --lease-name or EDGEHA_LEASE_NAME");
            var holder = Setting(identity, env("POD_NAME"), "no identity: set --identity or POD_NAME");
            if (errors.Count > 0)
            {
                return null;
            }

            return new AgentOptions
            {
                Lease = new LeaseHolderOptions { Namespace = leaseNamespace!, LeaseName = leaseName!, Identity = holder! },
                Command = argv[0],
                Arguments = argv[1..],
                StopGrace = TimeSpan.FromMilliseconds(result.GetValueOr(grace, (int)AgentOptions.DefaultStopGrace.TotalMilliseconds)),
                Kubeconfig = result.GetValue(kubeconfig),
            };
        });
    }
}
