namespace SocketChat.Protocol.Events;

/// <summary>A message said in a room. Text: <c>FROM: TEXT</c>.</summary>
/// <param name="Id">The server-assigned message id; ids only increase.</param>
/// <param name="Timestamp">When the server accepted the message (UTC).</param>
/// <param name="Room">The room it was said in.</param>
/// <param name="From">The sender's nickname.</param>
/// <param name="Text">The sanitised text.</param>
/// <param name="History">True when sent again from the room's history (after a resume), not live.</param>
public sealed record RoomMessageEvent(long Id, DateTimeOffset Timestamp, string Room, string From, string Text, bool History = false) : ServerEvent
{
    /// <summary>A notice (IRC NOTICE): said to be read, never answered by a program. Text: <c>-FROM- TEXT</c>.</summary>
    public bool Notice { get; init; }

    /// <summary>Its sender said it is a bot (IRC user mode +B); told to IRC clients as the <c>bot</c> tag.</summary>
    public bool Bot { get; init; }

    /// <summary>
    /// Said by another device of this connection's account: the account's own line (JSON <c>"own": true</c>; text
    /// <c>you: TEXT</c>).
    /// </summary>
    public bool Own { get; init; }
}
