using System.Net;

namespace SocketChat.Server.Connections;

internal static class EndPointFormat
{
    // A dual-mode listener reports IPv4 peers as ::ffff:a.b.c.d; operators know them as a.b.c.d.
    public static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => new IPEndPoint(ip.Address.MapToIPv4(), ip.Port).ToString(),
        null => "unknown",
        _ => endPoint.ToString() ?? "unknown",
    };
}
