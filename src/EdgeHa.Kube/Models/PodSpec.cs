using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>core/v1 PodTemplateSpec: the pod a Deployment stamps out.</summary>
public sealed class PodTemplateSpec
{
    public ObjectMeta? Metadata { get; set; }

    public PodSpec? Spec { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>core/v1 PodSpec: the fields the operator sets; volumes, affinity, security and the rest round-trip.</summary>
public sealed class PodSpec
{
    public IList<Container> Containers { get; set; } = [];

    public IList<Container>? InitContainers { get; set; }

    /// <summary>Set by the scheduler (or by hand to bypass it).</summary>
    public string? NodeName { get; set; }

    public IDictionary<string, string>? NodeSelector { get; set; }

    public IList<Toleration>? Tolerations { get; set; }

    public string? ServiceAccountName { get; set; }

    public string? RestartPolicy { get; set; }

    public long? TerminationGracePeriodSeconds { get; set; }

    public bool? HostNetwork { get; set; }

    public string? PriorityClassName { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class Container
{
    public string Name { get; set; } = "";

    public string? Image { get; set; }

    public string? ImagePullPolicy { get; set; }

    public IList<string>? Command { get; set; }

    public IList<string>? Args { get; set; }

    public IList<EnvVar>? Env { get; set; }

    public IList<ContainerPort>? Ports { get; set; }

    public Probe? ReadinessProbe { get; set; }

    public Probe? LivenessProbe { get; set; }

    public Probe? StartupProbe { get; set; }

    /// <summary>requests/limits as quantity strings; kept raw.</summary>
    public JsonElement? Resources { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class EnvVar
{
    public string Name { get; set; } = "";

    public string? Value { get; set; }

    /// <summary>fieldRef / configMapKeyRef / secretKeyRef, kept raw.</summary>
    public JsonElement? ValueFrom { get; set; }
}

public sealed class ContainerPort
{
    public string? Name { get; set; }

    /// <summary>The port number (JSON <c>containerPort</c>).</summary>
    [JsonPropertyName("containerPort")]
    public int Port { get; set; }

    /// <summary>TCP (default), UDP or SCTP.</summary>
    public string? Protocol { get; set; }

    public int? HostPort { get; set; }
}

public sealed class Probe
{
    public HttpGetAction? HttpGet { get; set; }

    public TcpSocketAction? TcpSocket { get; set; }

    public ExecAction? Exec { get; set; }

    public int? InitialDelaySeconds { get; set; }

    public int? PeriodSeconds { get; set; }

    public int? TimeoutSeconds { get; set; }

    public int? FailureThreshold { get; set; }

    public int? SuccessThreshold { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class HttpGetAction
{
    public string? Path { get; set; }

    public IntOrString Port { get; set; }

    public string? Host { get; set; }

    /// <summary>HTTP or HTTPS.</summary>
    public string? Scheme { get; set; }
}

public sealed class TcpSocketAction
{
    public IntOrString Port { get; set; }

    public string? Host { get; set; }
}

public sealed class ExecAction
{
    public IList<string>? Command { get; set; }
}

public sealed class Toleration
{
    public string? Key { get; set; }

    /// <summary>Exists or Equal.</summary>
    public string? Operator { get; set; }

    public string? Value { get; set; }

    public string? Effect { get; set; }

    public long? TolerationSeconds { get; set; }
}
