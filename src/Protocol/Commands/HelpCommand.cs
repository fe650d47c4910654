namespace SocketChat.Protocol.Commands;

/// <summary>A request for the command summary (<c>/help</c>).</summary>
public sealed record HelpCommand(string? Cid = null) : ClientCommand(Cid);
