using System.Diagnostics;

namespace EdgeHa.Api.Tests;

/// <summary>Runs a tool with a hard timeout and captures its output.</summary>
internal static class ProcessRunner
{
    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, params string[] args) =>
        Run(fileName, workingDirectory, args, stdinFile: null);

    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, string[] args, string? stdinFile)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            process.StandardInput.Write(File.ReadAllText(stdinFile));
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within 60 s");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
