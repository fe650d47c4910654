using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// Chat:Web: the browser client and its WebSocket, off unless a port is set.
internal sealed class WebOptions
{
    // The HTTP port on Chat:Host serving the page at / and the WebSocket at /ws; empty turns it off.
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty turns the web client off)")]
    public int? Port { get; set; }

    // With a certificate (Chat:Tls): the HTTPS/WSS port; empty for none.
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty for none)")]
    public int? TlsPort { get; set; }

    // Origins (https://chat.example.org, comma-separated) whose pages may open the WebSocket besides the
    // server's own; * allows any. Empty: the page this server serves, only.
    [OriginList]
    public string AllowedOrigins { get; set; } = string.Empty;

    // The host names the web port answers to (comma-separated; *.example.org for any under it; * for
    // any). Addresses are always answered. Empty: localhost, this machine's name and Chat:Host.
    [HostList]
    public string AllowedHosts { get; set; } = string.Empty;
}

// Chat:Metrics: the counters for Prometheus, off unless a port is set.
internal sealed class MetricsOptions
{
    // The HTTP port on Chat:Host serving /metrics; empty turns it off.
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty turns the metrics endpoint off)")]
    public int? Port { get; set; }
}
