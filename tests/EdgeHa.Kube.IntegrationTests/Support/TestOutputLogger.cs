using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Kube.IntegrationTests.Support;

/// <summary>Writes log lines to the test's output, so a failing timing test shows what the component did.</summary>
public class TestOutputLogger(ITestOutputHelper output, string name) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {name}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}

/// <summary>A <see cref="TestOutputLogger"/> typed for components that take an <see cref="ILogger{TCategoryName}"/>.</summary>
public sealed class TestOutputLogger<T>(ITestOutputHelper output, string name) : TestOutputLogger(output, name), ILogger<T>;
