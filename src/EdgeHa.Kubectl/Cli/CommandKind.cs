namespace EdgeHa.Kubectl.Cli;

/// <summary>What the plugin was asked to do.</summary>
internal enum CommandKind
{
    Help,
    Version,
    Status,
    Switchover,
    Pause,
    Resume,
    Events,
}
