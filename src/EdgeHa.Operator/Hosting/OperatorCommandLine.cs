using System.Globalization;
using EdgeHa.Hosting;

namespace EdgeHa.Operator.Hosting;

/// <summary>
/// The operator's flags, spelled as kubebuilder operators spell them (Go flag syntax: <c>--flag=value</c>,
/// <c>--flag value</c>, a single dash also works, booleans may stand alone). Durations are Go-style ("4s", "500ms").
/// </summary>
public static class OperatorCommandLine
{
    public const string Usage = """
        Usage: edgeha-operator [flags]

          --kubeconfig string                    kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)
          --leader-elect                         enable leader election so only one replica reconciles
          --leader-election-id string            leader election Lease name (default "edgeha-operator-leader")
          --leader-election-namespace string     leader election Lease namespace (default: POD_NAMESPACE, --namespace, or the kubeconfig's)
          --leader-elect-lease-duration dur      how long non-leaders wait before taking over (default 4s)
          --leader-elect-renew-deadline dur      how long the leader retries renewing before it stops leading (default 3s)
          --leader-elect-retry-period dur        wait between attempts (default 800ms)
          --health-probe-bind-address addr       /healthz and /readyz (default ":8081"; "0" disables)
          --metrics-bind-address addr            /metrics in Prometheus text format (default ":8080"; "0" disables)
          --namespace string                     the namespace to watch (default: all namespaces)
          --max-concurrent-reconciles int        pairs reconciled at once (default 16)
          --zap-log-level level                  debug, info, warn, error, or a zap verbosity integer (also --log-level)
          -h, --help                             show this help
        """;

    /// <summary>Parses the arguments into options, or returns the error (naming the flag) or a help request.</summary>
    public static (OperatorOptions? Options, string? Error, bool Help) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new OperatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-help")
            {
                return (null, null, true);
            }

            if (!arg.StartsWith('-'))
            {
                return (null, $"unexpected argument '{arg}'", false);
            }

            var body = arg.TrimStart('-');
            string? value = null;
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = body[(eq + 1)..];
                body = body[..eq];
            }

            string Value()
            {
                if (value is not null)
                {
                    return value;
                }

                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                throw new FormatException($"--{body} needs a value");
            }

            try
            {
                switch (body)
                {
                    case "kubeconfig":
                        options.Kubeconfig = Value();
                        break;
                    case "leader-elect":
                        options.LeaderElect = value is null || ParseBool(body, value);
                        break;
                    case "leader-election-id":
                        options.LeaderElectionId = Value();
                        break;
                    case "leader-election-namespace":
                        options.LeaderElectionNamespace = Value();
                        break;
                    case "leader-elect-lease-duration":
                        options.LeaseDuration = Duration(body, Value());
                        break;
                    case "leader-elect-renew-deadline":
                        options.RenewDeadline = Duration(body, Value());
                        break;
                    case "leader-elect-retry-period":
                        options.RetryPeriod = Duration(body, Value());
                        break;
                    case "health-probe-bind-address":
                        options.HealthProbeBindAddress = Value();
                        break;
                    case "metrics-bind-address":
                        options.MetricsBindAddress = Value();
                        break;
                    case "namespace":
                        options.Namespace = Value();
                        break;
                    case "max-concurrent-reconciles":
                        options.MaxConcurrentReconciles = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                            : throw new FormatException("--max-concurrent-reconciles needs a positive integer");
                        break;
                    case "zap-log-level" or "log-level":
                        options.LogLevel = LogLevelOf(body, Value());
                        break;
                    default:
                        return (null, $"unknown flag --{body}", false);
                }
            }
            catch (FormatException e)
            {
                return (null, e.Message, false);
            }
        }

        var errors = options.Validate();
        return errors.Count > 0 ? (null, string.Join("; ", errors), false) : (options, null, false);
    }

    private static bool ParseBool(string flag, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "t" => true,
        "false" or "0" or "f" => false,
        _ => throw new FormatException($"--{flag}: '{value}' is not a boolean"),
    };

    private static TimeSpan Duration(string flag, string value) =>
        GoDuration.TryParse(value, out var d) && d > TimeSpan.Zero ? d
            : throw new FormatException($"--{flag}: '{value}' is not a positive duration such as 4s or 500ms");

    /// <summary>zap's level names, or its verbosity integers (negative zap levels are more verbose: 1 and up mean debug).</summary>
    internal static LogLevel LogLevelOf(string flag, string value) => value.ToLowerInvariant() switch
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
        _ => throw new FormatException($"--{flag}: '{value}' is not debug, info, warn, error or an integer"),
    };
}
