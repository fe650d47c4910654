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
}
