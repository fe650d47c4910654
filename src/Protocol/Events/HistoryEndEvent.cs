namespace SocketChat.Protocol.Events;

/// <summary>
/// Closes the answer to a history request: <paramref name="Count"/> messages of <paramref name="Room"/> were sent,
/// flagged as history. Text: <c>* end of history (N messages)</c>; JSON <c>{"type":"history_end",…}</c>.
/// </summary>
public sealed record HistoryEndEvent(string Room, int Count, string? Cid = null) : ServerEvent;
