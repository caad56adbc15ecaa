namespace EdgeHa.Demo.Scenario;

/// <summary>What a running step gets: its cancellation (time limit included), the clock, and a way to say what it waits for.</summary>
public sealed class StepContext(CancellationToken cancellationToken, TimeProvider time)
{
    private volatile string? _waitingFor;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TimeProvider Time { get; } = time;

    /// <summary>What the step waits for now; reported when it times out.</summary>
    public string? WaitingFor
    {
        get => _waitingFor;
        set => _waitingFor = value;
    }

    /// <summary>Waits until <paramref name="unmet"/> returns null (it returns what is still missing), checking every <paramref name="period"/>.</summary>
    public async Task WaitUntilAsync(Func<string?> unmet, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(unmet);
        while (true)
        {
            var missing = unmet();
            if (missing is null)
            {
                WaitingFor = null;
                return;
            }

            WaitingFor = missing;
            await Task.Delay(period, Time, CancellationToken);
        }
    }

    /// <summary>Lets time pass (steady state).</summary>
    public Task DelayAsync(TimeSpan duration) => Task.Delay(duration, Time, CancellationToken);
}
