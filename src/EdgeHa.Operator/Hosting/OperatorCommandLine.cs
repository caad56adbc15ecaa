using System.CommandLine.Help;
using System.Globalization;
using EdgeHa.Hosting;

namespace EdgeHa.Operator.Hosting;

/// <summary>
/// The operator's flags, named as kubebuilder operators name them, and as Go's flag package reads them: each also with
/// a single dash (<c>-leader-elect</c>), <c>--flag=value</c> or <c>--flag value</c>. Durations are Go durations ("4s").
/// </summary>
public static class OperatorCommandLine
{
    public static ParsedCommandLine<OperatorOptions> Parse(IReadOnlyList<string> args)
    {
        var kubeconfig = Flag.Text("--kubeconfig", "kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)", "-kubeconfig");
        var leaderElect = Flag.Switch("--leader-elect", "enable leader election so only one replica reconciles", "-leader-elect");
        var leaderElectionId = Flag.Text("--leader-election-id", "leader election Lease name (default \"edgeha-operator-leader\")", "-leader-election-id");
        var leaderElectionNamespace = Flag.Text("--leader-election-namespace", "leader election Lease namespace (default: POD_NAMESPACE, --namespace, or the kubeconfig's)", "-leader-election-namespace");
        var leaseDuration = Flag.Duration("--leader-elect-lease-duration", "how long non-leaders wait before taking over (default 4s)", "-leader-elect-lease-duration");
        var renewDeadline = Flag.Duration("--leader-elect-renew-deadline", "how long the leader retries renewing before it stops leading (default 3s)", "-leader-elect-renew-deadline");
        var retryPeriod = Flag.Duration("--leader-elect-retry-period", "wait between attempts (default 800ms)", "-leader-elect-retry-period");
        var health = Flag.Text("--health-probe-bind-address", "/healthz and /readyz (default \":8081\"; \"0\" disables)", "-health-probe-bind-address").Shown("addr");
        var metrics = Flag.Text("--metrics-bind-address", "/metrics in Prometheus text format (default \":8080\"; \"0\" disables)", "-metrics-bind-address").Shown("addr");
        var ns = Flag.Text("--namespace", "the namespace to watch (default: all namespaces)", "-namespace");
        var concurrency = Flag.Int("--max-concurrent-reconciles", "pairs reconciled at once (default 16)", 1, int.MaxValue, "-max-concurrent-reconciles");
        var logLevel = Flag.Of<LogLevel>("--zap-log-level", "debug, info, warn, error, or a zap verbosity integer (default info)", TryParseLogLevel,
            "debug, info, warn, error or an integer", "-zap-log-level", "--log-level", "-log-level").Shown("level");
        var root = ProgramCommandLine.Root("edgeha-operator", "The Edge HA operator: runs RedundantPairs (edgeha.io/v1alpha1) on the cluster",
            kubeconfig, leaderElect, leaderElectionId, leaderElectionNamespace, leaseDuration, renewDeadline, retryPeriod, health, metrics, ns,
            concurrency, logLevel);
        root.Options.OfType<HelpOption>().Single().Aliases.Add("-help");
        return ProgramCommandLine.Parse(root, args, (result, errors) =>
        {
            var o = new OperatorOptions();
            result.Apply(kubeconfig, v => o.Kubeconfig = v);
            result.Apply(leaderElect, v => o.LeaderElect = v);
            result.Apply(leaderElectionId, v => o.LeaderElectionId = v);
            result.Apply(leaderElectionNamespace, v => o.LeaderElectionNamespace = v);
            result.Apply(leaseDuration, v => o.LeaseDuration = v);
            result.Apply(renewDeadline, v => o.RenewDeadline = v);
            result.Apply(retryPeriod, v => o.RetryPeriod = v);
            result.Apply(health, v => o.HealthProbeBindAddress = v);
            result.Apply(metrics, v => o.MetricsBindAddress = v);
            result.Apply(ns, v => o.Namespace = v);
            result.Apply(concurrency, v => o.MaxConcurrentReconciles = v);
            result.Apply(logLevel, v => o.LogLevel = v);
            errors.AddRange(o.Validate());
            return o;
        });
    }

    /// <summary>zap's level names, or its verbosity integers (negative zap levels are more verbose: 1 and up mean debug).</summary>
    internal static bool TryParseLogLevel(string value, out LogLevel level)
    {
        LogLevel? parsed = value.ToLowerInvariant() switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "dpanic" or "panic" or "fatal" => LogLevel.Critical,
            "trace" => LogLevel.Trace,
            var s when int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v switch
            {
                >= 2 => LogLevel.Trace,
                1 => LogLevel.Debug,
                0 => LogLevel.Information,
                -1 => LogLevel.Warning,
                _ => LogLevel.Error,
            },
            _ => null,
        };
        level = parsed ?? LogLevel.Information;
        return parsed is not null;
    }
}
