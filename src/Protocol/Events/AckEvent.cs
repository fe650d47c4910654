namespace SocketChat.Protocol.Events;

/// <summary>JSON mode only: the server accepted the client's message <paramref name="Cid"/> as <paramref name="Id"/>.</summary>
public sealed record AckEvent(string? Cid, long Id, DateTimeOffset Timestamp) : ServerEvent;
