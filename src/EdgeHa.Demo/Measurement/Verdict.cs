namespace EdgeHa.Demo.Measurement;

/// <summary>The outcome of one mode's run: every check; it passes only when every required check passed.</summary>
public sealed record Verdict(string Mode, IReadOnlyList<VerdictCheck> Checks)
{
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed is not false);
}
