using EdgeHa.Operator.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Operator.Tests;

public sealed class OperatorCommandLineTests
{
    [Fact]
    public void Parse_NoFlags_RunsInClusterWithKubebuilderDefaults()
    {
        var (options, error, help) = OperatorCommandLine.Parse([]);

        Assert.Null(error);
        Assert.False(help);
        Assert.Null(options!.Kubeconfig);
        Assert.False(options.LeaderElect);
        Assert.Equal(":8081", options.HealthProbeBindAddress);
        Assert.Equal(":8080", options.MetricsBindAddress);
        Assert.Null(options.Namespace);
        Assert.Equal(TimeSpan.FromSeconds(4), options.LeaseDuration);
    }

    [Fact]
    public void Parse_HelmChartFlags_SetsEveryOption()
    {
        var (options, error, _) = OperatorCommandLine.Parse(
        [
            "--leader-elect", "--leader-elect-lease-duration=6s", "--leader-elect-renew-deadline=4s", "--leader-elect-retry-period=500ms",
            "--health-probe-bind-address=:9081", "--metrics-bind-address", "127.0.0.1:9080", "--namespace=factory", "--zap-log-level=debug",
            "-kubeconfig=/tmp/kc",
        ]);

        Assert.Null(error);
        Assert.True(options!.LeaderElect);
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
    public void Parse_BooleanWithValue_IsHonoured(string flag, bool expected) =>
        Assert.Equal(expected, OperatorCommandLine.Parse([flag]).Options!.LeaderElect);

    [Theory]
    [InlineData("--bogus", "unknown flag --bogus")]
    [InlineData("--leader-elect-lease-duration=4", "--leader-elect-lease-duration")]
    [InlineData("--metrics-bind-address=8080", "--metrics-bind-address")]
    [InlineData("--zap-log-level=loud", "--zap-log-level")]
    [InlineData("--namespace", "--namespace needs a value")]
    [InlineData("stray", "unexpected argument")]
    public void Parse_BadFlag_ReportsTheFlag(string flag, string expected)
    {
        var (options, error, _) = OperatorCommandLine.Parse([flag]);

        Assert.Null(options);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LeaderTimingsBreakingClientGoRules_ReportsThem()
    {
        var (options, error, _) = OperatorCommandLine.Parse(["--leader-elect", "--leader-elect-lease-duration=2s", "--leader-elect-renew-deadline=3s"]);

        Assert.Null(options);
        Assert.Contains("--leader-elect-lease-duration", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Help_AsksForUsage() => Assert.True(OperatorCommandLine.Parse(["--help"]).Help);

    [Theory]
    [InlineData("info", LogLevel.Information)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("1", LogLevel.Debug)]
    [InlineData("5", LogLevel.Trace)]
    public void LogLevelOf_ZapLevel_MapsToLogLevel(string value, LogLevel expected) =>
        Assert.Equal(expected, OperatorCommandLine.LogLevelOf("zap-log-level", value));
}
