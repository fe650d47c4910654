namespace SocketChat.Protocol.Events;

/// <summary>
/// A change in who is in a room. Text: <c>* NICK joined ROOM</c>, <c>* NICK left ROOM</c>,
/// <c>* OLD is now known as NICK</c>.
/// </summary>
public sealed record PresenceEvent(DateTimeOffset Timestamp, string Room, string Nick, PresenceAction Action, string? OldNick = null) : ServerEvent;
