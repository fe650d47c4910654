using SocketChat.Protocol.Encoders;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Connections;

/// <summary>
/// What a listener's connections are: the wire protocol each speaks (<paramref name="Open"/> gives a connection its
/// own adapter), how it starts (<paramref name="Mode"/>), and whether it may negotiate TLS on the port
/// (<paramref name="Tls"/>) or must (<paramref name="TlsOnly"/>: it cannot read a plaintext refusal either).
/// </summary>
internal sealed record ListenerPort(string Name, Func<IWireProtocol> Open, WireMode Mode, bool Tls = false, bool TlsOnly = false);
