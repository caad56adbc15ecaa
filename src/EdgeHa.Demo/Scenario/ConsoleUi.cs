namespace EdgeHa.Demo.Scenario;

/// <summary>
/// Console output with a live status line: on a terminal the status line is redrawn in place under the log lines;
/// when output is redirected (CI logs) the status is printed as a plain line every few seconds instead.
/// </summary>
public sealed class ConsoleUi(TextWriter output, bool interactive)
{
    private readonly Lock _gate = new();
    private string _status = "";
    private long? _lastPlainStatus;

    public static ConsoleUi ForConsole() => new(Console.Out, !Console.IsOutputRedirected);

    /// <summary>Writes a line above the status line.</summary>
    public void WriteLine(string text)
    {
        lock (_gate)
        {
            if (interactive && _status.Length > 0)
            {
                output.Write("\r" + new string(' ', Math.Min(_status.Length, 200)) + "\r");
            }

            output.WriteLine(text);
            if (interactive && _status.Length > 0)
            {
                output.Write(Clip(_status));
            }

            output.Flush();
        }
    }

    /// <summary>Replaces the status line.</summary>
    public void Status(string text, long nowMs)
    {
        lock (_gate)
        {
            if (interactive)
            {
                var old = _status;
                _status = text;
                output.Write("\r" + Clip(text) + (old.Length > text.Length ? new string(' ', Math.Min(old.Length - text.Length, 200)) : ""));
                output.Flush();
            }
            else if (_lastPlainStatus is not { } last || nowMs - last >= 3000)
            {
                _lastPlainStatus = nowMs;
                output.WriteLine("   " + text);
                output.Flush();
            }
        }
    }

    /// <summary>Ends the status line (before the final report).</summary>
    public void EndStatus()
    {
        lock (_gate)
        {
            if (interactive && _status.Length > 0)
            {
                output.WriteLine();
            }

            _status = "";
        }
    }

    private static string Clip(string s)
    {
        var width = 200;
        try
        {
            width = Math.Max(40, Console.WindowWidth - 1);
        }
        catch (IOException)
        {
            // no terminal size
        }

        return s.Length <= width ? s : s[..width];
    }
}
