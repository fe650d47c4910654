namespace SocketChat.Protocol.Events;

/// <summary>
/// Something every connected user should know about the server's state, with a machine-readable
/// <paramref name="Code"/> (<c>store_failing</c>, <c>store_recovered</c>). Text: <c>* TEXT</c>.
/// </summary>
public sealed record NoticeEvent(string Code, string Text) : ServerEvent;
