namespace SocketChat.Server.Sessions;

/// <summary>
/// What a JSON-mode client keeps across reconnects: its token, the client ids the server has accepted from it
/// (so a resent line is acknowledged again, never delivered twice) and, while it is away, its nickname and room.
/// </summary>
internal sealed class ResumableIdentity(string token, int dedupeWindow)
{
    private readonly Dictionary<string, AcceptedMessage> _accepted = new(StringComparer.Ordinal);
    private readonly Queue<string> _acceptedOrder = new();

    public string Token => token;

    /// <summary>Read back from the store after a restart: client ids it sent before are looked up there too.</summary>
    public bool Restored { get; init; }

    public Storage.IdentityRecord Record(string nick, string room, DateTimeOffset seen) => new(token, nick, room, seen);

    /// <summary>Held while accepting a message, so two connections of one identity cannot accept one client id twice.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The connection that has this identity now; null while it is parked.</summary>
    public ChatSession? Owner { get; set; }

    public string ParkedNick { get; private set; } = string.Empty;

    public string ParkedRoom { get; private set; } = string.Empty;

    public DateTimeOffset ExpiresAt { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>The last message id when the identity entered its room: history before that is not "missed".</summary>
    public long JoinedAtId { get; set; }

    public bool IsParked(DateTimeOffset now) => Owner is null && ExpiresAt > now;

    public void Park(string nick, string room, DateTimeOffset expiresAt)
    {
        Owner = null;
        ParkedNick = nick;
        ParkedRoom = room;
        ExpiresAt = expiresAt;
    }

    public void Attach(ChatSession owner)
    {
        Owner = owner;
        ExpiresAt = DateTimeOffset.MaxValue;
    }

    /// <summary>Client ids have been forgotten from memory (more than the window); older ones are looked up in the store.</summary>
    public bool Overflowed { get; private set; }

    public bool TryGetAccepted(string cid, out AcceptedMessage accepted) => _accepted.TryGetValue(cid, out accepted);

    public void Accept(string cid, AcceptedMessage accepted)
    {
        _accepted[cid] = accepted;
        _acceptedOrder.Enqueue(cid);
        if (_acceptedOrder.Count > dedupeWindow)
        {
            _accepted.Remove(_acceptedOrder.Dequeue());
            Overflowed = true;
        }
    }
}
