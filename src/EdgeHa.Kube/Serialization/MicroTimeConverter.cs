using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Serialization;

/// <summary>
/// metav1.MicroTime (Lease acquireTime/renewTime, Event eventTime): RFC 3339 in UTC with exactly six
/// fractional digits ("2006-01-02T15:04:05.000000Z"). Put <c>[JsonConverter(typeof(MicroTimeConverter))]</c>
/// on the property.
/// </summary>
public sealed class MicroTimeConverter : JsonConverter<DateTimeOffset>
{
    internal const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KubeTimeConverter.ReadRfc3339(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
}
