namespace EdgeHa.Demo.Measurement;

/// <summary>A time the VIP did not answer.</summary>
/// <param name="Start">When the first failed read was sent.</param>
/// <param name="End">When the next good read was sent (or the last failed one ended, when none followed).</param>
/// <param name="FailedReads">How many reads failed in a row.</param>
/// <param name="FirstError">The first failure's reason.</param>
/// <param name="Closed">False when the VIP had not answered again by the end of the record.</param>
public sealed record OutageWindow(DateTimeOffset Start, DateTimeOffset End, int FailedReads, string? FirstError, bool Closed)
{
    public TimeSpan Duration => End - Start;

    /// <summary>True when the window touches [from, to].</summary>
    public bool Overlaps(DateTimeOffset from, DateTimeOffset to) => Start <= to && End >= from;
}
