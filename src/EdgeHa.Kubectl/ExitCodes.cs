namespace EdgeHa.Kubectl;

/// <summary>The plugin's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Refused or failed; stderr says why and what to do.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int Usage = EdgeHa.Hosting.ProgramCommandLine.UsageExitCode;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
