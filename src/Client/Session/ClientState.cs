namespace SocketChat.Client.Session;

/// <summary>What the client knows about itself across connections: who and where it is, and how to resume.</summary>
internal sealed class ClientState
{
    public string? Nick { get; set; }

    public string? Room { get; set; }

    public string? ResumeToken { get; set; }

    /// <summary>The newest room message id seen (or acknowledged) in the current room: what a resume continues after.</summary>
    public long LastMessageId { get; set; }

    public bool EverConnected => Nick is not null;

    // The newest message id shown per room (ids are global and only grow, so per room is what tells "seen").
    private readonly Dictionary<string, long> _shownThrough = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records a room message as shown; false when it was shown before (history sent again after a reconnect).</summary>
    public bool Show(string room, long id)
    {
        if (_shownThrough.TryGetValue(room, out var through) && id <= through)
        {
            return false;
        }

        _shownThrough[room] = id;
        return true;
    }
}
