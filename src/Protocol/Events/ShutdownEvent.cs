namespace SocketChat.Protocol.Events;

/// <summary>The server is stopping and will close the connection. Text: <c>* TEXT</c>.</summary>
public sealed record ShutdownEvent(string Text) : ServerEvent;
