namespace EdgeHa.Netns.Bench;

/// <summary>A bad or missing command-line argument: reported in one line, exit code 2.</summary>
internal sealed class BenchUsageException(string message) : Exception(message);
