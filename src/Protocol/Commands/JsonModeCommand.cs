namespace SocketChat.Protocol.Commands;

/// <summary>The switch to JSON mode (<c>/json</c>), valid only as a connection's first line.</summary>
public sealed record JsonModeCommand() : ClientCommand((string?)null);
