namespace SocketChat.Protocol.Events;

/// <summary>A message from one user to another. Text: <c>[private] FROM: TEXT</c>.</summary>
public sealed record PrivateMessageEvent(long Id, DateTimeOffset Timestamp, string From, string To, string Text) : ServerEvent
{
    /// <summary>A notice (IRC NOTICE). Text: <c>[private] -FROM- TEXT</c>.</summary>
    public bool Notice { get; init; }

    /// <summary>
    /// Sent by another device of this connection's account, to <c>To</c> (JSON <c>"own": true</c>; text
    /// <c>[private] you -&gt; TO: TEXT</c>).
    /// </summary>
    public bool Own { get; init; }

    /// <summary>Sent again from the conversation's history on request (JSON <c>"history": true</c>; text <c>[history]</c>).</summary>
    public bool History { get; init; }
}
