namespace EdgeHa.Kubectl.Output;

/// <summary>
/// A plain-text table as kubectl prints one: upper-case headers, columns left-aligned and separated by three
/// spaces, no trailing spaces. Widths come from the rows given so far; rows added after <see cref="Write"/>
/// (a watch) are padded to the same widths.
/// </summary>
internal sealed class TextTable
{
    private const string Gap = "   ";
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];
    private readonly int[] _widths;

    public TextTable(params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = headers;
        _widths = headers.Select(h => h.Length).ToArray();
    }

    /// <summary>Adds a row; missing cells are empty, line breaks in a cell become spaces.</summary>
    public void AddRow(params string?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length > _headers.Length)
        {
            throw new ArgumentException($"{cells.Length} cells for {_headers.Length} columns.", nameof(cells));
        }

        var row = new string[_headers.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = Clean(i < cells.Length ? cells[i] : null);
            _widths[i] = Math.Max(_widths[i], row[i].Length);
        }

        _rows.Add(row);
    }

    /// <summary>Writes the header and every row, each line prefixed by <paramref name="indent"/>.</summary>
    public void Write(TextWriter writer, string indent = "")
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(indent + Format(_headers));
        foreach (var row in _rows)
        {
            writer.WriteLine(indent + Format(row));
        }
    }

    /// <summary>Formats one more row to the widths established so far (for rows that arrive later, as in a watch).</summary>
    public string FormatRow(params string?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var row = new string[_headers.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = Clean(i < cells.Length ? cells[i] : null);
        }

        return Format(row);
    }

    private string Format(string[] row)
    {
        var last = row.Length - 1;
        var parts = new string[row.Length];
        for (var i = 0; i < row.Length; i++)
        {
            parts[i] = i == last ? row[i] : row[i].PadRight(_widths[i]);
        }

        return string.Join(Gap, parts).TrimEnd();
    }

    private static string Clean(string? cell) =>
        string.IsNullOrEmpty(cell) ? "" : cell.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
}
