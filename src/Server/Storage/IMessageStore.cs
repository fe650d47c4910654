namespace SocketChat.Server.Storage;

/// <summary>
/// Where messages are kept. One writer (<see cref="MessageLog"/>) appends; any thread may read. Everything the
/// session code needs goes through here, so another store (one shared by several servers) can replace SQLite. A
/// local store answers at once; a remote one (Redis) without holding a thread while it waits.
/// </summary>
internal interface IMessageStore : IDisposable
{
    /// <summary>Creates or migrates the store; throws <see cref="StorageException"/> with a reason a person can act on.</summary>
    void Open();

    /// <summary>What kind of store it is, for the log: sqlite, memory, redis.</summary>
    string Kind { get; }

    /// <summary>Where it keeps messages, for the log: a path, "memory", or Redis's address (never its password).</summary>
    string Location { get; }

    /// <summary>Why the store cannot be used right now, before anything fails on it (Redis unreachable); null when it can.</summary>
    string? Problem => null;

    /// <summary>Cluster mode: ids up to this one may be gone with a Redis that lost its data (0 when nothing was lost).</summary>
    long LostUpTo => 0;

    /// <summary>The highest message id ever stored; new ids continue from it.</summary>
    long LastId { get; }

    /// <summary>
    /// Stores the drafts (each given the next id and <paramref name="timestamp"/>, or, in the cluster's Redis, Redis's
    /// own time, returned in each result) and the identity updates in one
    /// transaction, durably, before returning; one result per draft, in order. A draft whose sender token and client
    /// id were stored before is not stored again: its result is the message stored then. On failure nothing is
    /// stored and ids are not used up. A presence draft is not kept: it comes back with id 0, in its place.
    /// </summary>
    ValueTask<IReadOnlyList<Appended>> AppendAsync(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities);

    /// <summary>A room's messages, oldest first: the newest <paramref name="limit"/> with ids in (<paramref name="afterId"/>, <paramref name="beforeId"/>).</summary>
    ValueTask<IReadOnlyList<StoredMessage>> RoomAsync(string room, long afterId, long beforeId, int limit);

    ValueTask<IdentityRecord?> FindIdentityAsync(string token);

    /// <summary>Deletes messages older than <paramref name="before"/> and beyond the newest <paramref name="maxPerRoom"/> of each room; returns how many.</summary>
    int Prune(DateTimeOffset? before, int? maxPerRoom);

    /// <summary>A room's messages since a time, oldest first, read lazily.</summary>
    IEnumerable<StoredMessage> Export(string room, DateTimeOffset since);
}
