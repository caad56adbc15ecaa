using EdgeHa.Modbus;

namespace EdgeHa.Collector.Tests;

public class CollectorMetricsTests
{
    [Fact]
    public void Render_State_ReportsRoleAsOneHotGaugeAndHealth()
    {
        var text = new CollectorMetrics().Render(new CollectorState(CollectorRole.Standby, false, "why", null, null, 0));

        Assert.Contains("edgeha_collector_role{role=\"standby\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_role{role=\"active\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_healthy 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("edgeha_collector_device_sequence", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PollsAndErrors_FillHistogramAndLabelledCounters()
    {
        var metrics = new CollectorMetrics();
        metrics.OnPoll(TimeSpan.FromMilliseconds(3));
        metrics.OnPoll(TimeSpan.FromMilliseconds(40));
        metrics.OnPollFailed(PollErrorKind.Exception, ModbusExceptionCode.GatewayTargetFailedToRespond);
        metrics.OnPollFailed(PollErrorKind.Timeout, null);

        var text = metrics.Render(new CollectorState(CollectorRole.Active, true, "ok", DateTimeOffset.UnixEpoch.AddSeconds(10), 7, 2));

        Assert.Contains("edgeha_collector_poll_duration_seconds_bucket{le=\"0.0025\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_poll_duration_seconds_bucket{le=\"0.005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_poll_duration_seconds_bucket{le=\"0.05\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_poll_duration_seconds_count 2\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_polls_total 4\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_poll_errors_total{kind=\"exception\",code=\"11\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_poll_errors_total{kind=\"timeout\",code=\"none\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_last_success_timestamp_seconds 10.000\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeha_collector_device_sequence 7\n", text, StringComparison.Ordinal);
    }
}
