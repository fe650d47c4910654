namespace SocketChat.Protocol.Events;

/// <summary>A notice for one client (help, confirmations). Text: <c>* TEXT</c>.</summary>
public sealed record InfoEvent(string Text, string? Cid = null) : ServerEvent;
