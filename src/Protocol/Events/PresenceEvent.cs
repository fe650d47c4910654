namespace SocketChat.Protocol.Events;

/// <summary>
/// A change in who is in a room. Text: <c>* NICK joined ROOM</c>, <c>* NICK left ROOM</c>,
/// <c>* OLD is now known as NICK</c>. For a leave, <paramref name="Reason"/> is what the user said as it left the room
/// or why its connection ended, and <paramref name="Disconnected"/> tells the two apart; IRC shows them (PART or QUIT
/// with its message), text and JSON do not.
/// </summary>
public sealed record PresenceEvent(
    DateTimeOffset Timestamp,
    string Room,
    string Nick,
    PresenceAction Action,
    string? OldNick = null,
    string? Reason = null,
    bool Disconnected = false) : ServerEvent
{
    /// <summary>A joiner's real name, where it gave one (IRC USER); IRC's extended-join shows it.</summary>
    public string? RealName { get; init; }

    /// <summary>
    /// Told to one device of an account that another of its devices took it into or out of the room (JSON
    /// <c>"device": true</c>): the account itself joined or left, so an IRC client shows its own JOIN or PART.
    /// </summary>
    public bool Device { get; init; }
}
