using System.Net;
using System.Net.Sockets;

namespace Regia.Tests;

/// <summary>Ports on loopback for servers a test or benchmark starts (PostgreSQL, the site's build).</summary>
public static class LocalPorts
{
    /// <summary>A port nothing listens on at this moment, chosen by the system.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
