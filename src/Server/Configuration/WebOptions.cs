using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

/// <summary><c>Chat:Web</c>: the browser client and its WebSocket, off unless a port is set.</summary>
internal sealed class WebOptions
{
    /// <summary>The HTTP port on <c>Chat:Host</c> serving the page at <c>/</c> and the WebSocket at <c>/ws</c>; empty turns it off.</summary>
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty turns the web client off)")]
    public int? Port { get; set; }

    /// <summary>With a certificate (<c>Chat:Tls</c>): the HTTPS/WSS port; empty for none.</summary>
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty for none)")]
    public int? TlsPort { get; set; }

    /// <summary>
    /// Origins (<c>https://chat.example.org</c>, comma-separated) whose pages may open the WebSocket besides the
    /// server's own; <c>*</c> allows any. Empty: the page this server serves, only.
    /// </summary>
    [OriginList]
    public string AllowedOrigins { get; set; } = string.Empty;

    /// <summary>
    /// The host names the web port answers to (comma-separated; <c>*.example.org</c> for any under it; <c>*</c> for
    /// any). Addresses are always answered. Empty: <c>localhost</c>, this machine's name and <c>Chat:Host</c>.
    /// </summary>
    [HostList]
    public string AllowedHosts { get; set; } = string.Empty;
}
