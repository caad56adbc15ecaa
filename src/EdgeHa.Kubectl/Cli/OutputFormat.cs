namespace EdgeHa.Kubectl.Cli;

/// <summary>The output of <c>status</c>: text for people or JSON for scripts.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
