using System.Globalization;
using System.Net;

namespace EdgeHa.Operator.Hosting;

/// <summary>A bind address flag as controller-runtime takes it: ":8080" (all interfaces), "127.0.0.1:0", "[::1]:8081", or "0" (disabled).</summary>
public static class BindAddress
{
    /// <summary>Parses the flag; <paramref name="endpoint"/> is null when disabled ("0").</summary>
    public static bool TryParse(string? text, out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text == "0")
        {
            return true;
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        IPAddress address;
        if (host.Length == 0 || host == "0.0.0.0")
        {
            address = IPAddress.Any;
        }
        else if (host == "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
