using System.Text;
using System.Text.Json;

namespace EdgeHa.Collector;

/// <summary>
/// The JSON form of samples: <c>{"sample":17,"timestamp":"...","sequence":1234,"epoch":0,"values":{"holding:0:2":[1,2],"coil:0:2":[true,false]}}</c>.
/// </summary>
public static class SampleJson
{
    public static void Write(Utf8JsonWriter json, Sample sample)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sample);
        json.WriteStartObject();
        json.WriteNumber("sample", sample.Number);
        json.WriteString("timestamp", sample.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        if (sample.Sequence is { } sequence)
        {
            json.WriteNumber("sequence", sequence);
        }
        else
        {
            json.WriteNull("sequence");
        }

        json.WriteNumber("epoch", sample.Epoch);
        json.WriteStartObject("values");
        foreach (var block in sample.Blocks)
        {
            json.WriteStartArray(block.Block.ToString());
            if (block.Bits is { } bits)
            {
                foreach (var bit in bits)
                {
                    json.WriteBooleanValue(bit);
                }
            }
            else if (block.Registers is { } registers)
            {
                foreach (var register in registers)
                {
                    json.WriteNumberValue(register);
                }
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>One sample as a single line of JSON (no trailing newline).</summary>
    public static string ToLine(Sample sample)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, sample);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
