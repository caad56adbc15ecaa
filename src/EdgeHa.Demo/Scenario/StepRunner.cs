using System.Globalization;
using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Scenario;

/// <summary>
/// Runs the script's steps in order, each under its own time limit, and stops at the first that fails, saying which
/// and why (what it was still waiting for when it timed out). Never hangs: every step is bounded.
/// </summary>
public sealed class StepRunner(TimeProvider time, Timeline timeline, Action<string>? say = null)
{
    public async Task<IReadOnlyList<StepResult>> RunAsync(IEnumerable<DemoStep> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var results = new List<StepResult>();
        foreach (var step in steps)
        {
            var result = await RunOneAsync(step, cancellationToken);
            results.Add(result);
            if (!result.Succeeded)
            {
                break;
            }
        }

        return results;
    }

    private async Task<StepResult> RunOneAsync(DemoStep step, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        timeline.Add(time.GetUtcNow(), "demo", step.Name);
        say?.Invoke($"-- {step.Name}");
        using var limit = new CancellationTokenSource(step.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var context = new StepContext(linked.Token, time);
        string? error = null;
        try
        {
            await step.Run(context);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "interrupted";
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            error = $"timed out after {step.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s"
                + (context.WaitingFor is { } w ? $" waiting for: {w}" : "");
        }
        catch (StepFailedException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }

        var took = time.GetElapsedTime(started);
        if (error is not null)
        {
            timeline.Add(time.GetUtcNow(), "demo", $"FAILED: {step.Name}: {error}");
            say?.Invoke($"!! step \"{step.Name}\" failed: {error}");
        }

        return new StepResult(step.Name, error is null, took, error);
    }
}
