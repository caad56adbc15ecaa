namespace EdgeHa.Operator.Reconciliation;

/// <summary>Settings of the RedundantPair reconciler that do not come from a pair's spec.</summary>
public sealed class ReconcilerOptions
{
    /// <summary>The simulator image used when spec.simulator.image is empty (env EDGEHA_SIMULATOR_IMAGE overrides the default).</summary>
    public string DefaultSimulatorImage { get; set; } = Environment.GetEnvironmentVariable("EDGEHA_SIMULATOR_IMAGE") is { Length: > 0 } image ? image : "edgeha/modbus-simulator";

    /// <summary>The collector's HTTP port for the end-to-end check (GET /samples).</summary>
    public int CollectorHttpPort { get; set; } = 8080;

    /// <summary>Re-reconcile a stable pair at least this often (a safety net; changes are event driven).</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromSeconds(30);
}
