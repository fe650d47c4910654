namespace SocketChat.Protocol.Events;

/// <summary>The first event on a connection, and the reply to <c>/json</c>: who and where the client is.</summary>
public sealed record WelcomeEvent(string Nick, string Room) : ServerEvent;
