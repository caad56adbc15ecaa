namespace EdgeHa.Demo;

/// <summary>The demo's exit codes.</summary>
public static class ExitCodes
{
    public const int Passed = 0;

    /// <summary>Everything ran, but a goal was missed (failover slower than predicted, or hot standby lost samples).</summary>
    public const int GoalMissed = 1;

    public const int Usage = EdgeHa.Hosting.ProgramCommandLine.UsageExitCode;

    /// <summary>A step could not be done (setup, or a wait that timed out); the message names it.</summary>
    public const int StepFailed = 3;

    public const int Interrupted = 130;
}
