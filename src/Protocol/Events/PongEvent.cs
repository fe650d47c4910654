namespace SocketChat.Protocol.Events;

/// <summary>The answer to a ping. Text: <c>* pong</c>.</summary>
public sealed record PongEvent(string? Cid = null) : ServerEvent;
