namespace EdgeHa.Operator.Probes;

/// <summary>Sends one health probe. The token is cancelled at the probe's timeout; a probe never throws for a failing pod.</summary>
public interface IProbe
{
    Task<ProbeOutcome> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken);
}
