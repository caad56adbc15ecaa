namespace EdgeHa.Collector;

/// <summary>
/// Writes published samples as JSON lines to a writer (stdout). The <see cref="SampleOutbox"/> in front of it is
/// the bounded queue, so a slow reader of stdout never stalls polling and what does not fit is counted there; a
/// line counts as written once it has been flushed.
/// </summary>
public sealed class JsonLinesSampleSink(TextWriter writer) : ISampleSink
{
    private readonly TextWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));
    private string? _problem;

    public string Name => "stdout";

    public string? Problem => Volatile.Read(ref _problem);

    public async ValueTask<bool> WriteAsync(Sample sample, Func<bool> mayEmit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mayEmit);
        var line = SampleJson.ToLine(sample);
        if (!mayEmit())
        {
            return false;
        }

        try
        {
            await _writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            Volatile.Write(ref _problem, $"cannot write to stdout: {e.Message}");
            return false;
        }

        Volatile.Write(ref _problem, null);
        return true;
    }
}
