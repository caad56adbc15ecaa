using System.Text.Json.Serialization;

namespace EdgeHa.Api;

/// <summary>What the standby side runs while it is not active.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StandbyMode>))]
public enum StandbyMode
{
    /// <summary>The standby Deployment is scaled to zero; it starts on failover.</summary>
    Cold,

    /// <summary>The standby pod runs in standby role: it polls but does not publish or write.</summary>
    Hot,
}

/// <summary>The scheme of an HTTP health check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HttpScheme>))]
public enum HttpScheme
{
    /// <summary>Plain HTTP.</summary>
    HTTP,

    /// <summary>HTTP over TLS; the certificate is not verified.</summary>
    HTTPS,
}

/// <summary>The Modbus register table a Modbus health check reads.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModbusTable>))]
public enum ModbusTable
{
    /// <summary>Holding registers (function code 3).</summary>
    Holding,

    /// <summary>Input registers (function code 4).</summary>
    Input,
}

/// <summary>How the pair returns to the primary node after a failover.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailbackMode>))]
public enum FailbackMode
{
    /// <summary>Switch back as a planned switchover once the primary has been healthy for the stabilization window.</summary>
    Automatic,

    /// <summary>Never switch back by itself; only on a switchover request.</summary>
    Manual,
}

/// <summary>The load-balancer implementation that announces the virtual IP.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VipProvider>))]
public enum VipProvider
{
    /// <summary>A plain Service selecting the active pod; no address is announced.</summary>
    None,

    /// <summary>MetalLB in L2 mode, pinned to the active node.</summary>
    MetalLB,

    /// <summary>kube-vip service load balancing, pinned to the active node.</summary>
    KubeVip,
}

/// <summary>The transport protocol of a Service port.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PortProtocol>))]
public enum PortProtocol
{
    /// <summary>TCP.</summary>
    TCP,

    /// <summary>UDP.</summary>
    UDP,
}

/// <summary>The pair's overall state.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PairPhase>))]
public enum PairPhase
{
    /// <summary>Observing (start-up grace) or waiting for the first pod to become ready.</summary>
    Pending,

    /// <summary>One side is active and serving.</summary>
    Active,

    /// <summary>A failover or switchover is in progress.</summary>
    FailingOver,

    /// <summary>Serving without redundancy, or no side is able to serve.</summary>
    Degraded,

    /// <summary>spec.paused is true; no automatic action is taken.</summary>
    Paused,

    /// <summary>The spec is invalid; see the SpecValid condition. No action is taken.</summary>
    Invalid,
}

/// <summary>The role a node's collector plays.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeRole>))]
public enum NodeRole
{
    /// <summary>The collector on this node acts (polls, publishes, writes).</summary>
    Active,

    /// <summary>The collector on this node stands by (hot: polls only; cold: not running).</summary>
    Standby,

    /// <summary>No collector runs on this node.</summary>
    Stopped,
}
