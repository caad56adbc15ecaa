namespace EdgeHa.Api;

/// <summary>
/// Regular expressions shared by the CRD schema (<c>pattern</c>) and the validator. They use only the
/// syntax both .NET and the API server's Go RE2 engine accept (no look-around, no back-references).
/// </summary>
public static class ApiPatterns
{
    /// <summary>A DNS-1123 subdomain, the form of a Kubernetes node name (length is checked separately).</summary>
    public const string Dns1123Subdomain = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>A DNS-1123 label, the form of a Service port name (length is checked separately).</summary>
    public const string Dns1123Label = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    private const string Ipv4 = "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

    private const string H = "[0-9a-fA-F]{1,4}";

    private const string Ipv6 =
        "((" + H + ":){7}" + H +
        "|(" + H + ":){1,7}:" +
        "|(" + H + ":){1,6}:" + H +
        "|(" + H + ":){1,5}(:" + H + "){1,2}" +
        "|(" + H + ":){1,4}(:" + H + "){1,3}" +
        "|(" + H + ":){1,3}(:" + H + "){1,4}" +
        "|(" + H + ":){1,2}(:" + H + "){1,5}" +
        "|" + H + ":(:" + H + "){1,6}" +
        "|:((:" + H + "){1,7}|:))";

    /// <summary>
    /// A literal IPv4 address in dotted-quad form or an IPv6 address without a zone. A pattern rather than CEL
    /// <c>isIP()</c>, because the CEL IP library needs Kubernetes 1.30 or later and edge clusters often run older.
    /// </summary>
    public const string IpAddress = "^(" + Ipv4 + "|" + Ipv6 + ")$";

    /// <summary>An HTTP path: starts with a slash, no whitespace.</summary>
    public const string HttpPath = "^/[^\\s]*$";
}
