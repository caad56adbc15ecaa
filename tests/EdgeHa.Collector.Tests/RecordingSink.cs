namespace EdgeHa.Collector.Tests;

/// <summary>
/// A sink that records what it wrote. While <see cref="Hold"/> is on, each write waits until <see cref="Release"/>
/// (a slow stdout, a broker that has not sent PUBACK yet); <see cref="Fail"/> makes writes report failure.
/// </summary>
internal sealed class RecordingSink(string name = "test") : ISampleSink
{
    private readonly Lock _gate = new();
    private readonly List<Sample> _written = [];
    private TaskCompletionSource? _held;
    private int _waiting;

    public string Name => name;

    public string? Problem => Fail ? "the test makes writes fail" : null;

    public bool Fail { get; set; }

    public IReadOnlyList<Sample> Written
    {
        get
        {
            lock (_gate)
            {
                return [.. _written];
            }
        }
    }

    /// <summary>Writes that are waiting for <see cref="Release"/>.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void Hold()
    {
        lock (_gate)
        {
            _held ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
        }

        held?.TrySetResult();
    }

    public async ValueTask<bool> WriteAsync(Sample sample, Func<bool> mayEmit, CancellationToken cancellationToken)
    {
        Task? wait;
        lock (_gate)
        {
            wait = _held?.Task;
        }

        if (wait is not null)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        if (Fail || !mayEmit())
        {
            return false;
        }

        lock (_gate)
        {
            _written.Add(sample);
        }

        return true;
    }
}
