namespace SocketChat.Protocol.Commands;

/// <summary>A move to another room (<c>/join ROOM [KEY]</c>), creating it when it is new.</summary>
public sealed record JoinCommand(string Room, string? Cid = null) : ClientCommand(Cid)
{
    /// <summary>The room's key, for a room that has one (<c>+k</c>): <c>/join ROOM KEY</c>.</summary>
    public string? Key { get; init; }
}
