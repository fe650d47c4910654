using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

/// <summary><c>Chat:Irc</c>: the IRC listener, off unless a port is set.</summary>
internal sealed class IrcOptions
{
    /// <summary>The port IRC clients connect to on <c>Chat:Host</c>; empty turns the listener off.</summary>
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty turns IRC off)")]
    public int? Port { get; set; }

    /// <summary>With a certificate (<c>Chat:Tls</c>): the port IRC clients connect to over TLS; empty for none.</summary>
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty for none)")]
    public int? TlsPort { get; set; }

    /// <summary>The name the server gives itself on IRC (the source of its replies).</summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$", ErrorMessage = "must be a host-like name: letters, digits, '.' and '-', up to 63 characters")]
    public string ServerName { get; set; } = "socketchat";
}
