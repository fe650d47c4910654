namespace SocketChat.Protocol.Events;

/// <summary>
/// Where the account stopped reading a room: up to message <paramref name="Id"/>, said at <paramref name="Timestamp"/>;
/// told to each of its devices when one moves it, and to a device that comes back. Text:
/// <c>* read up to 41 in lobby</c>; JSON <c>{"type":"read","room":"lobby","id":41,"ts":…}</c>; IRC <c>MARKREAD</c>.
/// An id of 0 means nothing is marked read there.
/// </summary>
public sealed record ReadEvent(string Room, long Id, DateTimeOffset Timestamp, string? Cid = null) : ServerEvent;
