namespace SocketChat.Protocol.Events;

/// <summary>
/// A message a search found: in a room (<paramref name="Room"/>) or private (<paramref name="To"/>). Text:
/// <c>[found] #lobby 2026-12-01T10:00:00.000Z bob: TEXT</c>; JSON <c>{"type":"found",…}</c>.
/// </summary>
public sealed record FoundEvent(long Id, DateTimeOffset Timestamp, string? Room, string From, string? To, string Text, string? Cid = null) : ServerEvent;

/// <summary>The end of a search's answer: how many it found. Text: <c>* N found for "WORDS"</c>.</summary>
public sealed record SearchEndEvent(string Text, int Count, string? Cid = null) : ServerEvent;
