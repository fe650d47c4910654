namespace SocketChat.Protocol.Events;

/// <summary>
/// A line the server operator typed, sent to everyone. Text: <c>server: TEXT</c>; as part of a room's history
/// (<paramref name="History"/>), <c>[history] server: TEXT</c>.
/// </summary>
public sealed record AnnouncementEvent(long Id, DateTimeOffset Timestamp, string Text, bool History = false) : ServerEvent;
