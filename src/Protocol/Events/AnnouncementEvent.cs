namespace SocketChat.Protocol.Events;

/// <summary>A line the server operator typed, sent to everyone. Text: <c>server: TEXT</c>.</summary>
public sealed record AnnouncementEvent(long Id, DateTimeOffset Timestamp, string Text) : ServerEvent;
