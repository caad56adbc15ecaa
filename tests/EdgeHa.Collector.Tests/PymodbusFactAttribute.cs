using System.Diagnostics;

namespace EdgeHa.Collector.Tests;

/// <summary>A fact that needs Debian's python3-pymodbus; skipped with a clear message only where it is not installed (CI installs it).</summary>
public sealed class PymodbusFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Available = new(() =>
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import pymodbus.server"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            return process.WaitForExit(TimeSpan.FromSeconds(30)) && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public PymodbusFactAttribute()
    {
        if (!Available.Value)
        {
            Skip = "needs /usr/bin/python3 with pymodbus (apt-get install -y python3-pymodbus)";
        }
    }
}
