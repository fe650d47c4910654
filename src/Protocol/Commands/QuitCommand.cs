namespace SocketChat.Protocol.Commands;

/// <summary>A request to close the connection (<c>/quit</c>).</summary>
public sealed record QuitCommand(string? Cid = null) : ClientCommand(Cid);
