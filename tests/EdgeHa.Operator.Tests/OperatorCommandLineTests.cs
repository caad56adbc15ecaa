using EdgeHa.Operator.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Operator.Tests;

public sealed class OperatorCommandLineTests
{
    [Fact]
    public void Parse_NoFlags_RunsInClusterWithKubebuilderDefaults()
    {
        var parsed = OperatorCommandLine.Parse([]);

        Assert.Empty(parsed.Errors);
        Assert.False(parsed.Help);
        var options = parsed.Options!;
        Assert.Null(options.Kubeconfig);
        Assert.False(options.LeaderElect);
        Assert.Equal(":8081", options.HealthProbeBindAddress);
        Assert.Equal(":8080", options.MetricsBindAddress);
        Assert.Null(options.Namespace);
        Assert.Equal(TimeSpan.FromSeconds(4), options.LeaseDuration);
    }

    [Fact]
    public void Parse_HelmChartFlags_SetsEveryOption()
    {
        var parsed = OperatorCommandLine.Parse(
        [
            "--leader-elect", "--leader-elect-lease-duration=6s", "--leader-elect-renew-deadline=4s", "--leader-elect-retry-period=500ms",
            "--health-probe-bind-address=:9081", "--metrics-bind-address", "127.0.0.1:9080", "--namespace=factory", "--zap-log-level=debug",
            "-kubeconfig=/tmp/kc",
        ]);

        Assert.Empty(parsed.Errors);
        var options = parsed.Options!;
        Assert.True(options.LeaderElect);
        Assert.Equal(TimeSpan.FromSeconds(6), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(4), options.RenewDeadline);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryPeriod);
        Assert.Equal(":9081", options.HealthProbeBindAddress);
        Assert.Equal("127.0.0.1:9080", options.MetricsBindAddress);
        Assert.Equal("factory", options.Namespace);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
        Assert.Equal("/tmp/kc", options.Kubeconfig);
    }

    [Theory]
    [InlineData("--leader-elect=false", false)]
    [InlineData("--leader-elect=true", true)]
    [InlineData("-leader-elect", true)]
    [InlineData("--leader-elect=False", false)]
    public void Parse_BooleanWithValue_IsHonoured(string flag, bool expected) =>
        Assert.Equal(expected, OperatorCommandLine.Parse([flag]).Options!.LeaderElect);

    [Theory]
    [InlineData("--bogus", "Unrecognized command or argument '--bogus'.")]
    [InlineData("--leader-elect-lease-duration=4", "--leader-elect-lease-duration: '4' is not a positive duration such as 4s, 500ms or 1m30s")]
    [InlineData("--metrics-bind-address=8080", "--metrics-bind-address: '8080' is not host:port, :port or 0")]
    [InlineData("--zap-log-level=loud", "--zap-log-level: 'loud' is not debug, info, warn, error or an integer")]
    [InlineData("--max-concurrent-reconciles=0", "--max-concurrent-reconciles: '0' is not an integer in 1..2147483647")]
    [InlineData("--namespace", "Required argument missing for option: '--namespace'.")]
    [InlineData("stray", "Unrecognized command or argument 'stray'.")]
    public void Parse_BadFlag_ReportsTheFlag(string flag, string expected)
    {
        var parsed = OperatorCommandLine.Parse([flag]);

        Assert.Null(parsed.Options);
        Assert.Equal([expected], parsed.Errors);
    }

    [Fact]
    public void Parse_RepeatedFlag_LastWins() =>
        Assert.Equal("127.0.0.1:1", OperatorCommandLine.Parse(["--metrics-bind-address=:8080", "--metrics-bind-address", "127.0.0.1:1"]).Options!.MetricsBindAddress);

    [Fact]
    public void Parse_LeaderTimingsBreakingClientGoRules_ReportsThem()
    {
        var parsed = OperatorCommandLine.Parse(["--leader-elect", "--leader-elect-lease-duration=2s", "--leader-elect-renew-deadline=3s"]);

        Assert.Null(parsed.Options);
        Assert.Contains("--leader-elect-lease-duration", Assert.Single(parsed.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-help")]
    public void Parse_Help_AsksForUsage(string flag) => Assert.True(OperatorCommandLine.Parse([flag]).Help);

    [Theory]
    [InlineData("info", LogLevel.Information)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("1", LogLevel.Debug)]
    [InlineData("5", LogLevel.Trace)]
    public void TryParseLogLevel_ZapLevel_MapsToLogLevel(string value, LogLevel expected) =>
        Assert.Equal((true, expected), (OperatorCommandLine.TryParseLogLevel(value, out var level), level));
}
