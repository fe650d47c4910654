namespace SocketChat.Protocol.Commands;

/// <summary>
/// A liveness check (<c>/ping</c>, JSON <c>{"type":"ping"}</c>), answered with <c>pong</c>. As a connection's first
/// line it is answered without greeting the connection, so health probes leave no trace in any room.
/// </summary>
public sealed record PingCommand(string? Cid = null) : ClientCommand(Cid);
