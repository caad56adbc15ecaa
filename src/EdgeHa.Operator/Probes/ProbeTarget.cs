namespace EdgeHa.Operator.Probes;

/// <summary>The kind of health check a pair declares.</summary>
public enum ProbeKind
{
    Http,
    Tcp,
    Modbus,
}

/// <summary>What to probe: one pod's address and the pair's health-check settings.</summary>
/// <param name="Kind">HTTP GET, TCP connect, or a Modbus register read.</param>
/// <param name="Host">The pod IP.</param>
/// <param name="Port">The port on the pod.</param>
/// <param name="Path">HTTP path (HTTP only).</param>
/// <param name="Https">Use HTTPS (HTTP only; the pod's certificate is not verified, as kubelet probes do not).</param>
/// <param name="UnitId">Modbus unit id (Modbus only).</param>
/// <param name="InputRegister">Read an input register (true) or a holding register (false) (Modbus only).</param>
/// <param name="Address">Modbus register address (Modbus only).</param>
public sealed record ProbeTarget(
    ProbeKind Kind,
    string Host,
    int Port,
    string Path = "/healthz",
    bool Https = false,
    byte UnitId = 1,
    bool InputRegister = true,
    ushort Address = 0)
{
    public override string ToString() => Kind switch
    {
        ProbeKind.Http => $"{(Https ? "https" : "http")}://{Host}:{Port}{Path}",
        ProbeKind.Tcp => $"tcp://{Host}:{Port}",
        _ => $"modbus://{Host}:{Port}/unit/{UnitId}/{(InputRegister ? "input" : "holding")}/{Address}",
    };
}

/// <summary>The answer of one probe.</summary>
/// <param name="Success">The pod answered as healthy.</param>
/// <param name="Message">Why not, when it did not (empty on success).</param>
public readonly record struct ProbeOutcome(bool Success, string Message)
{
    public static ProbeOutcome Ok { get; } = new(true, "");

    public static ProbeOutcome Fail(string message) => new(false, message);
}
