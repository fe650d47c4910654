namespace SocketChat.Protocol.Commands;

/// <summary>
/// Older messages of the room (<c>/history [N]</c>; JSON <c>{"type":"history","limit":N,"before":ID,"after":ID}</c>):
/// the newest <paramref name="Limit"/> with ids between <paramref name="AfterId"/> and <paramref name="BeforeId"/>.
/// </summary>
public sealed record HistoryCommand(int Limit, long? BeforeId = null, long? AfterId = null, string? Cid = null) : ClientCommand(Cid)
{
    /// <summary>The most messages one request returns.</summary>
    public const int MaxLimit = 500;

    /// <summary>What <c>/history</c> alone shows.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Only messages stored before this time (JSON <c>before_ts</c>).</summary>
    public DateTimeOffset? BeforeTime { get; init; }

    /// <summary>Only messages stored after this time (JSON <c>after_ts</c>).</summary>
    public DateTimeOffset? AfterTime { get; init; }

    /// <summary>The oldest <see cref="Limit"/> in the range rather than the newest: paging forward (<c>/history after ID</c>).</summary>
    public bool Forward { get; init; }

    /// <summary>
    /// The private conversation with this user instead of the room (JSON <c>with</c>; <c>/history with NICK [N]</c>):
    /// its two parties' alone.
    /// </summary>
    public string? With { get; init; }
}
