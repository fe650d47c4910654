using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// Chat:Irc: the IRC listener, off unless a port is set.
internal sealed class IrcOptions
{
    // The port IRC clients connect to on Chat:Host; empty turns the listener off.
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty turns IRC off)")]
    public int? Port { get; set; }

    // With a certificate (Chat:Tls): the port IRC clients connect to over TLS; empty for none.
    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port; empty for none)")]
    public int? TlsPort { get; set; }

    // The name the server gives itself on IRC (the source of its replies).
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$", ErrorMessage = "must be a host-like name: letters, digits, '.' and '-', up to 63 characters")]
    public string ServerName { get; set; } = "socketchat";
}
