namespace SocketChat.Protocol.Commands;

/// <summary>A request for the members of the sender's room (<c>/who</c>).</summary>
public sealed record WhoCommand(string? Cid = null) : ClientCommand(Cid);
