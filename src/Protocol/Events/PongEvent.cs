namespace SocketChat.Protocol.Events;

/// <summary>
/// The answer to a ping. Text: <c>* pong</c>, or <c>* pong; unhealthy: PROBLEM</c> when the server answers but
/// cannot do its job (its store is failing).
/// </summary>
public sealed record PongEvent(string? Cid = null, string? Problem = null) : ServerEvent;
