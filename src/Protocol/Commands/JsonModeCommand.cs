namespace SocketChat.Protocol.Commands;

/// <summary>
/// The switch to JSON mode, valid only as a connection's first line: <c>/json</c>, or
/// <c>/json resume TOKEN LAST</c> to take back the identity of a dropped connection (its nickname, room and
/// accepted client ids) and receive the room messages after id LAST that it missed.
/// </summary>
public sealed record JsonModeCommand(string? ResumeToken = null, long LastId = 0) : ClientCommand((string?)null);
