using System.Net;
using System.Net.Sockets;

namespace EdgeHa.TestSupport;

/// <summary>Finds a free TCP port on loopback for servers that cannot be given port 0.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
