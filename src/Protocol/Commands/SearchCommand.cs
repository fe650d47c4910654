namespace SocketChat.Protocol.Commands;

/// <summary>
/// Messages containing every word of <paramref name="Text"/>, in the rooms the asker is in and its own private lines,
/// newest first (<c>/search WORDS</c>; JSON <c>{"type":"search","text":"…","limit":N,"before":ID}</c>).
/// </summary>
public sealed record SearchCommand(string Text, int Limit = SearchCommand.DefaultLimit, long? BeforeId = null, string? Cid = null) : ClientCommand(Cid)
{
    /// <summary>What one search returns at most, unless it asks for fewer.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The most one search returns.</summary>
    public const int MaxLimit = 100;
}
