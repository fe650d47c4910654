namespace SocketChat.Protocol.Commands;

/// <summary>A move to another room (<c>/join ROOM</c>), creating it when it is new.</summary>
public sealed record JoinCommand(string Room, string? Cid = null) : ClientCommand(Cid);
