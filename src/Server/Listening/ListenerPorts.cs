using Microsoft.Extensions.Options;
using SocketChat.Protocol.Encoders;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Irc;
using SocketChat.Server.Lines;

namespace SocketChat.Server.Listening;

/// <summary>
/// Which wire protocol each port speaks: the one place the protocols are named. A new protocol is a folder with its
/// adapter, a port here and its listener.
/// </summary>
internal sealed class ListenerPorts(LineProtocol lines, IrcCommands irc, IOptions<ChatOptions> options)
{
    /// <summary><c>Chat:Port</c>: text or JSON lines, TLS negotiated on the same port where a certificate is set.</summary>
    public ListenerPort Chat { get; } = new("chat", () => lines, WireMode.Text, Tls: true);

    /// <summary><c>Chat:Irc:Port</c>: IRC in plaintext.</summary>
    public ListenerPort Irc { get; } = new("irc", () => new IrcProtocol(new IrcState(options.Value.Irc.ServerName), irc), WireMode.Irc);

    /// <summary><c>Chat:Irc:TlsPort</c>: IRC over TLS, nothing else.</summary>
    public ListenerPort IrcTls { get; } = new("irc-tls", () => new IrcProtocol(new IrcState(options.Value.Irc.ServerName), irc), WireMode.Irc, Tls: true, TlsOnly: true);

    /// <summary><c>Chat:Web:Port</c> or <c>Chat:Web:TlsPort</c>: a browser's WebSocket at <c>/ws</c>, JSON from its first message.</summary>
    public ListenerPort Web { get; } = new("web", () => lines, WireMode.Json);
}
