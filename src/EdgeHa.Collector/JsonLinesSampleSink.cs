using System.Threading.Channels;

namespace EdgeHa.Collector;

/// <summary>
/// Writes published samples as JSON lines to a writer (stdout) from a background task, through a bounded channel so
/// a slow reader of stdout never stalls polling; what does not fit is counted in <see cref="Dropped"/>.
/// </summary>
public sealed class JsonLinesSampleSink : ISampleSink, IAsyncDisposable
{
    private readonly Channel<Sample> _channel = Channel.CreateBounded<Sample>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private readonly TextWriter _writer;
    private readonly Task _pump;
    private long _dropped;

    public JsonLinesSampleSink(TextWriter writer)
    {
        _writer = writer;
        _pump = Task.Run(PumpAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Publish(Sample sample)
    {
        if (!_channel.Writer.TryWrite(sample))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        await foreach (var sample in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _writer.WriteLineAsync(SampleJson.ToLine(sample)).ConfigureAwait(false);
            if (_channel.Reader.Count == 0)
            {
                await _writer.FlushAsync().ConfigureAwait(false);
            }
        }
    }
}
