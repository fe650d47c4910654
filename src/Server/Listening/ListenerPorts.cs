using Microsoft.Extensions.Options;
using SocketChat.Protocol.Encoders;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Irc;
using SocketChat.Server.Lines;

namespace SocketChat.Server.Listening;

// Which wire protocol each port speaks: the one place the protocols are named. A new protocol is a folder with its
// adapter, a port here and its listener.
internal sealed class ListenerPorts(LineProtocol lines, IrcCommands irc, IOptions<ChatOptions> options)
{
    // Chat:Port: text or JSON lines, TLS negotiated on the same port where a certificate is set.
    public ListenerPort Chat { get; } = new("chat", () => lines, WireMode.Text, Tls: true);

    // Chat:Irc:Port: IRC in plaintext.
    public ListenerPort Irc => new("irc", NewIrc, WireMode.Irc);

    // Chat:Irc:TlsPort: IRC over TLS, nothing else.
    public ListenerPort IrcTls => new("irc-tls", NewIrc, WireMode.Irc, Tls: true, TlsOnly: true);

    // Chat:Web:Port or Chat:Web:TlsPort: a browser's WebSocket at /ws, JSON from its first message.
    public ListenerPort Web { get; } = new("web", () => lines, WireMode.Json);

    // Each IRC connection has an adapter of its own: its registration and capabilities.
    private IrcProtocol NewIrc() => new(new IrcState(options.Value.Irc.ServerName) { AccountsOn = options.Value.Auth.Mode == Configuration.AuthMode.Password }, irc);
}
