namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>One fault of a schedule: what, on which node (0 primary, 1 standby), from when to when (virtual ms).</summary>
internal sealed record Fault(FaultKind Kind, int Node, long Start, long End, double Param = 0, bool Measured = false)
{
    public override string ToString() =>
        $"{Kind}(node {Node}) {Start}..{End} ms{(Param != 0 ? $" p={Param:0.##}" : "")}{(Measured ? " [measured]" : "")}";
}
