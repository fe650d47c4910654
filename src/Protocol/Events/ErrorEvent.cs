namespace SocketChat.Protocol.Events;

/// <summary>A request was refused; the connection stays up. Text: <c>! error: MESSAGE</c>.</summary>
/// <param name="Code">One of <see cref="ErrorCodes"/>.</param>
/// <param name="Message">A sentence for a person.</param>
/// <param name="Cid">The client id of the request, when it had one.</param>
public sealed record ErrorEvent(string Code, string Message, string? Cid = null) : ServerEvent;
