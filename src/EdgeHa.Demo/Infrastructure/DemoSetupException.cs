namespace EdgeHa.Demo.Infrastructure;

/// <summary>Setting up the sandbox failed at a named step; the message says why and what to do.</summary>
public sealed class DemoSetupException(string step, string message, Exception? inner = null) : Exception($"{step}: {message}", inner)
{
    public string Step { get; } = step;
}
