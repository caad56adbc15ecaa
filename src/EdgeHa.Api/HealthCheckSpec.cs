using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using EdgeHa.Api.Schema;

namespace EdgeHa.Api;

/// <summary>
/// The collector's health check: at most one of http, tcp or modbus (none means http on port 8080 at /healthz).
/// A probe is sent every periodMilliseconds regardless of probes still in flight, like a heartbeat.
/// </summary>
[CelRule(
    "(has(self.http) ? 1 : 0) + (has(self.tcp) ? 1 : 0) + (has(self.modbus) ? 1 : 0) <= 1",
    "set only one of http, tcp or modbus")]
[CelRule(
    "self.timeoutMilliseconds <= self.periodMilliseconds * self.failureThreshold",
    "timeoutMilliseconds must not exceed periodMilliseconds x failureThreshold",
    FieldPath = ".timeoutMilliseconds")]
public sealed class HealthCheckSpec
{
    /// <summary>Probe with an HTTP GET; any 2xx or 3xx status is healthy.</summary>
    public HttpHealthCheck? Http { get; set; }

    /// <summary>Probe by opening a TCP connection.</summary>
    public TcpHealthCheck? Tcp { get; set; }

    /// <summary>Probe by reading one register from the collector's Modbus TCP port; any valid answer is healthy.</summary>
    public ModbusHealthCheck? Modbus { get; set; }

    /// <summary>Milliseconds between probe sends (the heartbeat period).</summary>
    [Range(100, 60000)]
    [DefaultValue(1000)]
    public int PeriodMilliseconds { get; set; } = 1000;

    /// <summary>
    /// A probe fails when it errors or has no answer within this many milliseconds.
    /// At most periodMilliseconds x failureThreshold, so a hung probe is counted before detection is due.
    /// </summary>
    [Range(50, 60000)]
    [DefaultValue(3000)]
    public int TimeoutMilliseconds { get; set; } = 3000;

    /// <summary>Consecutive failed probes (in send order) after which the collector is unhealthy.</summary>
    [Range(1, 10)]
    [DefaultValue(3)]
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Consecutive good probes after which an unhealthy collector is healthy again.</summary>
    [Range(1, 10)]
    [DefaultValue(1)]
    public int SuccessThreshold { get; set; } = 1;
}
