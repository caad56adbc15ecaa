namespace EdgeHa.Failover.Bench;

/// <summary>The figures of a run: figure | value | goal | met?.</summary>
internal sealed class ResultTable
{
    private readonly List<(string Figure, string Value, string Goal, string Met)> _rows = [];

    public void Add(string figure, string value, string goal = "-", bool? met = null) =>
        _rows.Add((figure, value, goal, met switch { true => "yes", false => "NO", null => "-" }));

    public void NotMeasured(string figure, string reason, string goal = "-") => _rows.Add((figure, "not measured: " + reason, goal, "-"));

    public void Print(TextWriter output)
    {
        var w0 = Math.Max(6, _rows.Count == 0 ? 0 : _rows.Max(r => r.Figure.Length));
        var w1 = Math.Max(5, _rows.Count == 0 ? 0 : _rows.Max(r => r.Value.Length));
        var w2 = Math.Max(4, _rows.Count == 0 ? 0 : _rows.Max(r => r.Goal.Length));
        output.WriteLine();
        output.WriteLine($"{"figure".PadRight(w0)} | {"value".PadRight(w1)} | {"goal".PadRight(w2)} | met?");
        output.WriteLine($"{new string('-', w0)}-|-{new string('-', w1)}-|-{new string('-', w2)}-|-----");
        foreach (var r in _rows)
        {
            output.WriteLine($"{r.Figure.PadRight(w0)} | {r.Value.PadRight(w1)} | {r.Goal.PadRight(w2)} | {r.Met}");
        }

        // Machine-readable copy for bench/run-all.sh.
        foreach (var r in _rows)
        {
            output.WriteLine($"ROW\t{r.Figure}\t{r.Value}\t{r.Goal}\t{r.Met}");
        }
    }
}
