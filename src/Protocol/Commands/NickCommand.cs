namespace SocketChat.Protocol.Commands;

/// <summary>A change of nickname (<c>/nick NAME</c>).</summary>
public sealed record NickCommand(string Nick, string? Cid = null) : ClientCommand(Cid);
