using System.Text.Json;

namespace EdgeHa.Collector;

/// <summary>
/// <c>--once</c>: one poll of the configured blocks, printed as a JSON sample. For smoke checks such as the Helm
/// chart's test, which reads a register through a pair's VIP. Exit 0 when the device answered, 1 otherwise.
/// </summary>
internal static class CollectorOnce
{
    public static async Task<int> RunAsync(CollectorOptions options, TextWriter output, TextWriter errors)
    {
        await using var reader = ModbusDeviceReader.Create(options);
        var engine = new CollectorEngine(options, reader, new ManualRoleSource(CollectorRole.Standby));
        using var timeout = new CancellationTokenSource(options.EffectiveRequestTimeout + options.ConnectTimeout);
        Sample? sample;
        try
        {
            sample = await engine.PollOnceAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            sample = null;
        }

        if (sample is null)
        {
            var state = engine.GetState();
            await errors.WriteLineAsync($"error: no answer from {options.DeviceHost}:{options.DevicePort}: {state.Reason}").ConfigureAwait(false);
            return 1;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            SampleJson.Write(json, sample);
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
        return 0;
    }
}
