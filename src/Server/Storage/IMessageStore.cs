namespace SocketChat.Server.Storage;

// Where messages are kept. One writer (MessageLog) appends, and keeps identities and account state; any thread may
// read. Everything the
// session code needs goes through here, so another store (one shared by several servers) can replace SQLite. A
// local store answers at once; a remote one (Redis) without holding a thread while it waits.
internal interface IMessageStore : IDisposable
{
    // Creates or migrates the store; throws StorageException with a reason a person can act on.
    void Open();

    // What kind of store it is, for the log: sqlite, memory, redis.
    string Kind { get; }

    // Where it keeps messages, for the log: a path, "memory", or Redis's address (never its password).
    string Location { get; }

    // Why the store cannot be used right now, before anything fails on it (Redis unreachable); null when it can.
    string? Problem => null;

    // Cluster mode: ids up to this one may be gone with a Redis that lost its data (0 when nothing was lost).
    long LostUpTo => 0;

    // The highest message id ever stored; new ids continue from it.
    long LastId { get; }

    // A shared log's newest entry's id, asked now (a local store's log is its writer's, so always caught up).
    ValueTask<long> HeadAsync() => ValueTask.FromResult(LastId);

    // Stores the drafts (each given the next id and timestamp, or, in the cluster's Redis, Redis's
    // own time, returned in each result) and the identity updates in one
    // transaction, durably, before returning; one result per draft, in order. A draft whose sender token and client
    // id were stored before is not stored again: its result is the message stored then. On failure nothing is
    // stored and ids are not used up. A presence draft is not kept: it comes back with id 0, in its place.
    ValueTask<IReadOnlyList<Appended>> AppendAsync(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities);

    // A room's messages, oldest first: the newest limit with ids in (afterId, beforeId).
    ValueTask<IReadOnlyList<StoredMessage>> RoomAsync(string room, long afterId, long beforeId, int limit);

    // A room's messages, oldest first: the oldest limit with ids in (afterId, beforeId) (paging forward).
    ValueTask<IReadOnlyList<StoredMessage>> RoomForwardAsync(string room, long afterId, long beforeId, int limit);

    // Messages that contain every word (whole words, any case, accents aside), newest first, at most limit: those
    // of rooms (room messages and notices) and the private ones nick sent or was sent; with ids below beforeId.
    ValueTask<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<string> rooms, string nick, IReadOnlyList<string> words, long beforeId, int limit);

    // The first id given to a message stored at or after time (ids grow with time), or the next id when none was.
    ValueTask<long> IdAtAsync(DateTimeOffset time);

    ValueTask<IdentityRecord?> FindIdentityAsync(string token);

    // Private messages (and notices) nick sent or was sent (with peer, only those between the two), oldest first:
    // the newest limit with ids in (afterId, beforeId), or with forward the oldest limit.
    ValueTask<IReadOnlyList<StoredMessage>> PrivateAsync(string nick, string? peer, long afterId, long beforeId, int limit, bool forward = false);

    // What is kept for an account beside its messages, by key: each device's place ("device:NAME") and each room's
    // read marker ("read:ROOM"). Empty when nothing is.
    ValueTask<IReadOnlyDictionary<string, string>> AccountStateAsync(string account);

    // Keeps value under key for account, durably, replacing what was there (the log's writer alone calls it).
    ValueTask SaveAccountStateAsync(string account, string key, string value);

    // Deletes messages older than before and beyond the newest maxPerRoom of each room, and moderation entries older
    // than before that a snapshot holds; returns how many.
    int Prune(DateTimeOffset? before, int? maxPerRoom);

    // The moderation read at start, so a restarted server knows every role, topic, ban and mode: the latest snapshot
    // of every rule (ModerationRecord.SnapshotEntry, at the last entry it holds), if one was kept, then every
    // moderation entry (MessageKind.Moderation) after it, oldest first.
    IReadOnlyList<StoredMessage> Moderation();

    // Keeps rules (every room's and the server's) as holding every moderation entry up to upTo, unless a snapshot
    // further on is kept already; the entries it holds are then kept only as long as retention keeps messages (the
    // log's writer alone calls it).
    ValueTask SaveModerationSnapshotAsync(long upTo, string rules);

    // A room's messages and moderation entries since a time, oldest first, read lazily.
    IEnumerable<StoredMessage> Export(string room, DateTimeOffset since);
}
