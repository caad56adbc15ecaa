using System.Diagnostics;
using System.Globalization;
using EdgeHa.Collector;
using EdgeHa.Modbus;
using Microsoft.Extensions.Logging.Abstractions;

// Drives the collector's real delivery path, SampleOutbox -> MqttSampleSink (QoS 1, a sample counts once its PUBACK
// came back), with COUNT samples shaped like the collector's (8 input registers), as fast as the path takes them:
// the full collector polls at most every 10 ms, so its poll period, not the sink, would be measured otherwise.
// Prints for bench/mqtt/run.sh:
//   PAYLOAD <bytes>           the size of one sample's MQTT message (the mosquitto_pub peer sends lines of this size)
//   START <unix ns>           right before the first sample is queued
//   ACKED <count> <seconds>   when every sample was acknowledged
// Usage: EdgeHa.Mqtt.Bench --broker mqtt://127.0.0.1:PORT --topic T --count N
static string Arg(string[] args, string name) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing {name}");

var broker = new Uri(Arg(args, "--broker"));
var topic = Arg(args, "--topic");
var count = int.Parse(Arg(args, "--count"), CultureInfo.InvariantCulture);

var options = new CollectorOptions
{
    DeviceHost = "bench",
    DevicePort = 502,
    MqttBroker = broker,
    MqttTopic = topic,
    MqttClientId = "edgeha-mqtt-bench",
    Pair = "bench",
    Node = "edge-a",
};
var block = new ReadBlock(ModbusTable.InputRegisters, 0, 8);
var now = DateTimeOffset.UtcNow;
var samples = new Sample[count];
for (var i = 0; i < count; i++)
{
    var sequence = 60_000L + i; // crosses the 16-bit wrap, as a long-running device does
    ushort[] registers = [(ushort)(sequence & 0xFFFF), 0, 12, 27394, 513, 1, 40000, 7];
    samples[i] = new Sample(i + 1, now.AddMilliseconds(i), (int)(sequence & 0xFFFF), 1, [new BlockValues(block, registers, null)], sequence);
}

Console.WriteLine($"PAYLOAD {MqttSampleSink.ToPayload(samples[^1], options.Pair, options.EffectiveNode).Length}");

await using var sink = MqttSampleSink.Start(options, NullLogger.Instance);
var connectBy = Stopwatch.StartNew();
while (!sink.IsConnected)
{
    if (connectBy.Elapsed > TimeSpan.FromSeconds(10))
    {
        Console.Error.WriteLine($"not connected to {broker} within 10 s: {sink.Problem}");
        return 1;
    }

    await Task.Delay(10);
}

var acknowledged = 0;
using var metrics = new CollectorMetrics(() => new CollectorState(CollectorRole.Active, true, "bench", null, null, 0));
await using var outbox = new SampleOutbox([sink], count, () => true, (_, _) => Interlocked.Increment(ref acknowledged), _ => { }, metrics);
var startNs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
var clock = Stopwatch.StartNew();
Console.WriteLine($"START {startNs.ToString(CultureInfo.InvariantCulture)}");
foreach (var sample in samples)
{
    outbox.Enqueue(sample, replay: false);
}

using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
await outbox.WhenIdleAsync(limit.Token);
var seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"ACKED {Volatile.Read(ref acknowledged).ToString(CultureInfo.InvariantCulture)} {seconds.ToString("F3", CultureInfo.InvariantCulture)}");
return Volatile.Read(ref acknowledged) == count ? 0 : 1;
