namespace SocketChat.Server.Clients;

// What a JSON-mode client keeps across reconnects: its token (the store recognises a line resent under it by its
// client id) and, while it is away, its nickname and room.
internal sealed class ResumableIdentity(string token)
{
    public string Token => token;

    // The device of an account it belongs to (ChatSession.Device), if it said.
    public string? Device { get; init; }

    // Read back from the store after a restart.
    public bool Restored { get; init; }

    public Storage.IdentityRecord Record(string nick, string room, DateTimeOffset seen) => new(token, nick, room, seen);

    // Held while a connection takes the identity, leaves it or parks it, so two connections never both own it. A
    // leaf: nothing else is locked, and nothing called out to, while it is held.
    public Lock Gate { get; } = new();

    // The connection that has this identity now; null while it is parked.
    public ChatSession? Owner { get; set; }

    public string ParkedNick { get; private set; } = string.Empty;

    public string ParkedRoom { get; private set; } = string.Empty;

    public DateTimeOffset ExpiresAt { get; private set; } = DateTimeOffset.MaxValue;

    // The last message id when the identity entered its room: history before that is not "missed".
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
}
