using SocketChat.Protocol.Encoders;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Connections;

// What a listener's connections are: the wire protocol each speaks (Open gives a connection its
// own adapter), how it starts (Mode), and whether it may negotiate TLS on the port
// (Tls) or must (TlsOnly: it cannot read a plaintext refusal either).
internal sealed record ListenerPort(string Name, Func<IWireProtocol> Open, WireMode Mode, bool Tls = false, bool TlsOnly = false);
