namespace SocketChat.Protocol.Events;

/// <summary>
/// The server accepted the client's message <paramref name="Cid"/> as <paramref name="Id"/> (JSON: an <c>ack</c>;
/// IRC: the echo of <paramref name="Line"/>, what was stored).
/// </summary>
public sealed record AckEvent(string? Cid, long Id, DateTimeOffset Timestamp, AckedLine? Line = null) : ServerEvent;
