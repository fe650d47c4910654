namespace SocketChat.Protocol.Events;

/// <summary>
/// A room's topic, told on joining it and when asked (<c>/topic</c>). Text: <c>* topic of lobby: TEXT (set by alice)</c>,
/// or <c>* lobby has no topic</c> when <paramref name="Text"/> is null.
/// </summary>
public sealed record TopicEvent(string Room, string? Text, string? SetBy = null, DateTimeOffset? SetAt = null, string? Cid = null) : ServerEvent;
