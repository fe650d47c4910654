namespace SocketChat.Protocol.Events;

/// <summary>The members of a room, sorted. Text: <c>* ROOM (N): a, b, c</c>.</summary>
public sealed record WhoEvent(string Room, IReadOnlyList<string> Nicks, string? Cid = null) : ServerEvent;
