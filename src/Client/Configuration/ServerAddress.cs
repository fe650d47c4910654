using System.Globalization;
using System.Net;

namespace SocketChat.Client.Configuration;

// One server to reach: a host (name or address) and a port.
internal readonly record struct ServerAddress(string Host, int Port)
{
    // Parses host:port, [::1]:port or, with defaultPort, a bare host.
    public static bool TryParse(string text, int defaultPort, out ServerAddress address)
    {
        address = default;
        text = text.Trim();
        string host;
        var port = defaultPort;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            if (close + 1 < text.Length && (text[close + 1] != ':' || !int.TryParse(text[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)))
            {
                return false;
            }
        }
        else if (text.LastIndexOf(':') is var colon and > 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
        {
            host = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return false;
            }
        }
        else
        {
            host = text;
        }

        var valid = port is >= 1 and <= 65535
            && (host is "*" || IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns);
        address = new ServerAddress(host is "*" ? "localhost" : host, port);
        return valid;
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
