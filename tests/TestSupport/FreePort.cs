using System.Net;
using System.Net.Sockets;

namespace SocketChat.TestSupport;

// Loopback ports for programs that cannot be told to pick their own (redis-server, haproxy).
public static class FreePort
{
    // A port nothing listens on now: bound by the system's choice, then let go.
    public static int Pick()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
