namespace SocketChat.Protocol.Commands;

/// <summary>
/// Sets the account's read marker in a room: read up to message <paramref name="Id"/> (its newest when null), in
/// <paramref name="Room"/> (the connection's own when null); with <paramref name="Ask"/>, only asks where it is
/// (<c>/read [#ROOM] [ID]</c>, <c>/read ?</c>; JSON <c>{"type":"read","room":…,"id":…}</c>, <c>{"type":"read","ask":true}</c>).
/// </summary>
public sealed record ReadCommand(string? Room = null, long? Id = null, bool Ask = false, string? Cid = null) : ClientCommand(Cid);
