namespace EdgeHa.ModbusSimulator;

/// <summary>
/// A register map that cannot be used. The message names the source, the line and column (when known), the
/// field path and what is wrong, e.g. <c>map.yaml:12:9: units[0].values[2].type: unknown type 'int8' ...</c>.
/// </summary>
public sealed class MapException : Exception
{
    public MapException()
    {
    }

    public MapException(string message)
        : base(message)
    {
    }

    public MapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MapException(string source, int line, int column, string path, string problem)
        : base(Format(source, line, column, path, problem))
    {
        Source = source;
        Line = line;
        Column = column;
        FieldPath = path;
        Problem = problem;
    }

    /// <summary>Line (1-based) of the offending node, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>Column (1-based) of the offending node, or 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The field path, e.g. <c>units[0].values[2].type</c>.</summary>
    public string FieldPath { get; } = "";

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Problem { get; } = "";

    private static string Format(string source, int line, int column, string path, string problem)
    {
        var where = line > 0 ? $"{source}:{line}:{column}" : source;
        return string.IsNullOrEmpty(path) ? $"{where}: {problem}" : $"{where}: {path}: {problem}";
    }
}
