using System.Net;
using System.Net.Sockets;

namespace SocketChat.Server.Listening;

internal static class ListenerBinder
{
    // Binds and listens on host: * is one dual-mode socket taking IPv4 and IPv6, a host name
    // is every address it resolves to. With port 0 the first socket picks the port and the others share it.
    public static IReadOnlyList<Socket> Bind(string host, int port, int backlog)
    {
        var listeners = new List<Socket>();
        try
        {
            foreach (var address in Resolve(host))
            {
                var endPoint = new IPEndPoint(address, port);
                try
                {
                    var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    listeners.Add(listener);
                    if (address.Equals(IPAddress.IPv6Any))
                    {
                        listener.DualMode = true;
                    }

                    listener.Bind(endPoint);
                    listener.Listen(backlog);
                    port = ((IPEndPoint)listener.LocalEndPoint!).Port;
                }
                catch (SocketException ex)
                {
                    throw new ListenException($"cannot listen on {endPoint}: {ex.Message}", ex);
                }
            }

            return listeners;
        }
        catch
        {
            listeners.ForEach(listener => listener.Dispose());
            throw;
        }
    }

    private static IPAddress[] Resolve(string host)
    {
        if (host is "*" or "")
        {
            return [Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any];
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return [address];
        }

        try
        {
            return Dns.GetHostAddresses(host).Distinct().ToArray();
        }
        catch (SocketException ex)
        {
            throw new ListenException($"cannot resolve Chat:Host={host}: {ex.Message}", ex);
        }
    }
}
