namespace SocketChat.Protocol.Events;

/// <summary>Who and where the client is: the first event on a connection, and the answer to <c>/json</c>.</summary>
/// <param name="Nick">The client's nickname.</param>
/// <param name="Room">The client's room.</param>
/// <param name="Token">JSON mode: the token that lets a new connection resume this identity after a drop.</param>
/// <param name="Resumed">JSON mode: true when this connection took back a dropped connection's identity.</param>
/// <param name="Rate">
/// JSON mode: the lines per second this connection may send, sustained, and at once (flood control), so a client
/// can pace itself (resending a backlog after a reconnect) instead of being slowed or cut off; null when unlimited.
/// </param>
public sealed record WelcomeEvent(string Nick, string Room, string? Token = null, bool Resumed = false, SendRate? Rate = null) : ServerEvent;
