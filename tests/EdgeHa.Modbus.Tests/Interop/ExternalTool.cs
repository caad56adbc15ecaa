using System.Diagnostics;

namespace EdgeHa.Modbus.Tests.Interop;

/// <summary>Finds and runs the third-party tools the interop tests use (mbpoll, /usr/bin/python3 with pymodbus).</summary>
internal static class ExternalTool
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> MbpollPath = new(() => Find("mbpoll"));
    private static readonly Lazy<bool> PymodbusPresent = new(() =>
        File.Exists(Python) && Run(Python, ["-c", "import pymodbus.client, pymodbus.server"], TimeSpan.FromSeconds(30)).ExitCode == 0);

    public static string? Mbpoll => MbpollPath.Value;

    public static bool HasPymodbus => PymodbusPresent.Value;

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", name);

    public static (int ExitCode, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that is skipped, with the install command, when mbpoll is not installed.</summary>
internal sealed class MbpollFactAttribute : FactAttribute
{
    public MbpollFactAttribute()
    {
        if (ExternalTool.Mbpoll is null)
        {
            Skip = "mbpoll is not installed (apt-get install -y mbpoll); CI installs it.";
        }
    }
}

/// <summary>A fact that is skipped, with the install command, when /usr/bin/python3 cannot import pymodbus.</summary>
internal sealed class PymodbusFactAttribute : FactAttribute
{
    public PymodbusFactAttribute()
    {
        if (!ExternalTool.HasPymodbus)
        {
            Skip = "pymodbus is not installed for /usr/bin/python3 (apt-get install -y python3-pymodbus); CI installs it.";
        }
    }
}
