namespace SocketChat.Protocol.Events;

/// <summary>Who and where the client is: the first event on a connection, and the answer to <c>/json</c>.</summary>
/// <param name="Nick">The client's nickname.</param>
/// <param name="Room">The client's room.</param>
/// <param name="Token">JSON mode: the token that lets a new connection resume this identity after a drop.</param>
/// <param name="Resumed">JSON mode: true when this connection took back a dropped connection's identity.</param>
public sealed record WelcomeEvent(string Nick, string Room, string? Token = null, bool Resumed = false) : ServerEvent;
