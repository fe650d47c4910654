using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SocketChat.Server.Storage;

// Messages in SQLite, WAL mode: one connection writes (whole batches per transaction, synchronous=FULL, so a commit
// survives a crash or power loss), pooled connections read alongside it.
internal sealed class SqliteMessageStore(string path) : IMessageStore, ISearchIndexed
{
    private readonly System.Collections.Concurrent.ConcurrentBag<RoomReader> _roomReaders = [];
    private readonly SqliteSearchIndex _index = new(path);
    private readonly Restrictions _restrictions = new();

    // The oldest id retention kept (set by Prune), and how far the index has let go (the indexer's alone).
    private long _prunedBelow;
    private long _forgottenBelow;
    private SqliteConnection? _writer;
    private InsertStatement? _insert;
    private string _connectionString = string.Empty;

    public long LastId { get; private set; }

    public string Kind => "sqlite";

    public string Location => path;

    public void Open()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
            _writer = new SqliteConnection(_connectionString);
            _writer.Open();
            // A bigger page cache and fewer, larger checkpoints: the writer keeps the tables' and indexes' hot pages, and
            // a page rewritten by many commits is copied into the database once per checkpoint (the WAL grows to ~40 MB).
            Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=10000; PRAGMA cache_size=-16384;");
            SqliteSchema.Migrate(_writer, path);
            LastId = Scalar(_writer, "SELECT coalesce(max(id), 0) FROM messages");
            _insert = new InsertStatement(_writer);
            _index.Open();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            _insert?.Dispose();
        _writer?.Dispose();
            _writer = null;
            throw new StorageException($"cannot use {path} as the message store: {ex.Message}", ex);
        }
    }

    public ValueTask<IReadOnlyList<Appended>> AppendAsync(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities) =>
        ValueTask.FromResult<IReadOnlyList<Appended>>(Append(drafts, timestamp, identities));

    private List<Appended> Append(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities)
    {
        var connection = _writer ?? throw new InvalidOperationException("The store is not open.");
        var results = new List<Appended>(drafts.Count);
        var lastId = LastId;
        using var transaction = connection.BeginTransaction();
        _restrictions.BeginBatch();
        if (drafts.Count > 0)
        {
            foreach (var draft in drafts)
            {
                if (draft.Kind == MessageKind.Presence)
                {
                    // Presence is delivered in order with the messages, never kept: no row, no id.
                    results.Add(new Appended(StoredMessage.Of(draft, 0, timestamp), Duplicate: false));
                    continue;
                }

                // A line whose sender token and client id are stored already is not stored again (the unique index
                // says so, atomically with the insert): no row changes, and the first one is looked up instead. Any
                // other conflict (an id taken by another process writing the same file) fails the batch with its
                // own reason.
                // A stale line is not stored; unless it is a resend, stored already at its own place.
                if (_restrictions.StaleAfter(draft) is var after and > 0)
                {
                    results.Add(draft is { SenderToken: { } token, Cid: { } cid } && FindByClientIdOrNull(connection, transaction, token, cid) is { } first
                        ? new Appended(first, Duplicate: true)
                        : Appended.Stale(draft, after));
                }
                else if (_insert!.Execute(lastId + 1, timestamp.ToUnixTimeMilliseconds(), draft))
                {
                    _restrictions.Stored(draft, lastId + 1);
                    results.Add(new Appended(StoredMessage.Of(draft, ++lastId, timestamp), Duplicate: false));
                }
                else
                {
                    results.Add(new Appended(FindByClientId(connection, transaction, draft.SenderToken!, draft.Cid!), Duplicate: true));
                }
            }
        }

        if (identities.Count > 0)
        {
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = "INSERT INTO identities (token, nick, room, seen) VALUES ($token, $nick, $room, $seen) ON CONFLICT (token) DO UPDATE SET nick = excluded.nick, room = excluded.room, seen = excluded.seen";
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM identities WHERE token = $token";
            foreach (var identity in identities)
            {
                if (identity.Ended)
                {
                    delete.Parameters.Clear();
                    delete.Parameters.AddWithValue("$token", identity.Token);
                    delete.ExecuteNonQuery();
                    continue;
                }

                upsert.Parameters.Clear();
                upsert.Parameters.AddWithValue("$token", identity.Token);
                upsert.Parameters.AddWithValue("$nick", identity.Nick);
                upsert.Parameters.AddWithValue("$room", identity.Room);
                upsert.Parameters.AddWithValue("$seen", identity.Seen.ToUnixTimeMilliseconds());
                upsert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        _restrictions.Commit();
        LastId = lastId;
        return results;
    }

    public ValueTask<IReadOnlyList<StoredMessage>> RoomAsync(string room, long afterId, long beforeId, int limit) =>
        ValueTask.FromResult<IReadOnlyList<StoredMessage>>(Room(room, afterId, beforeId, limit));

    private List<StoredMessage> Room(string room, long afterId, long beforeId, int limit)
    {
        // Each join reads its room's history: a query compiled once per reader, not once per join (compiling it was
        // a quarter of the server's CPU while 10,000 connections arrived). Readers are taken and given back without
        // a lock; there are as many as reads ever ran at once.
        if (!_roomReaders.TryTake(out var reader))
        {
            reader = new RoomReader(OpenReader());
        }

        try
        {
            var found = reader.Read(room, afterId, beforeId, limit);
            found.Reverse();
            return found;
        }
        finally
        {
            _roomReaders.Add(reader);
        }
    }

    public ValueTask<IReadOnlyList<StoredMessage>> RoomForwardAsync(string room, long afterId, long beforeId, int limit)
    {
        using var connection = OpenReader();
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT * FROM (SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
                WHERE room = $room AND kind IN (0, 4, 5) AND id > $after AND id < $before ORDER BY id LIMIT $limit)
            UNION ALL
            SELECT * FROM (SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
                WHERE kind = 2 AND id > $after AND id < $before ORDER BY id LIMIT $limit)
            ORDER BY id LIMIT $limit
            """;
        query.Parameters.AddWithValue("$room", room);
        query.Parameters.AddWithValue("$after", afterId);
        query.Parameters.AddWithValue("$before", beforeId);
        query.Parameters.AddWithValue("$limit", limit);
        return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([.. Read(query)]);
    }

    // The words index (SqliteSearchIndex) for what it has, then the newer tail it has not reached, read newest first
    // and matched here (SearchWords); each found message checked again against the words, so the index only narrows.
    // Off the caller's thread, which a budget's place lets it take.
    public async ValueTask<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<string> rooms, string nick, IReadOnlyList<string> words, long beforeId, int limit) =>
        await Task.Run(() => Search(rooms, nick, words, beforeId, limit));

    private List<StoredMessage> Search(IReadOnlyCollection<string> rooms, string nick, IReadOnlyList<string> words, long beforeId, int limit)
    {
        using var connection = OpenReader();
        var indexed = _index.IndexedUpTo;
        var found = Scan(connection, rooms, nick, words, beforeId, limit, above: indexed);
        var read = 0;
        foreach (var ids in _index.Find(words, Math.Min(beforeId, indexed + 1), Math.Max(limit * 2, 32), SearchWords.Page))
        {
            if (found.Count >= limit || read >= SearchWords.Scan)
            {
                break;
            }

            read += ids.Count;
            found.AddRange(Fetch(connection, ids, rooms, nick).Where(message => SearchWords.Matches(message.Text, words)).Take(limit - found.Count));
        }

        return found;
    }

    // The searchable messages of rooms and nick with ids in (above, beforeId), newest first, a page at a time, up to
    // SearchWords.Scan of them: what the index has not reached yet (a second's worth, unless it is still catching up).
    private static List<StoredMessage> Scan(SqliteConnection connection, IReadOnlyCollection<string> rooms, string nick, IReadOnlyList<string> words, long beforeId, int limit, long above)
    {
        using var query = connection.CreateCommand();
        query.CommandText = $"""
            SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
            WHERE id < $before AND id > $above AND {Searchable(query, rooms)}
            ORDER BY id DESC LIMIT $page
            """;
        var before = query.Parameters.AddWithValue("$before", beforeId);
        query.Parameters.AddWithValue("$above", above);
        query.Parameters.AddWithValue("$nick", nick);
        query.Parameters.AddWithValue("$page", SearchWords.Page);
        var found = new List<StoredMessage>();
        for (var scanned = 0; scanned < SearchWords.Scan && found.Count < limit;)
        {
            var page = Read(query).ToList();
            if (page.Count == 0)
            {
                break;
            }

            scanned += page.Count;
            found.AddRange(page.Where(message => SearchWords.Matches(message.Text, words)).Take(limit - found.Count));
            before.Value = page[^1].Id;
        }

        return found;
    }

    // Of ids (numbers, written into the query), those of rooms' lines and nick's private ones, newest first.
    private static List<StoredMessage> Fetch(SqliteConnection connection, List<long> ids, IReadOnlyCollection<string> rooms, string nick)
    {
        using var query = connection.CreateCommand();
        query.CommandText = $"""
            SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
            WHERE id IN ({string.Join(',', ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)))}) AND {Searchable(query, rooms)}
            ORDER BY id DESC
            """;
        query.Parameters.AddWithValue("$nick", nick);
        return [.. Read(query)];
    }

    // What a search may find: rooms' lines and notices, and the private ones $nick sent or was sent.
    private static string Searchable(SqliteCommand query, IReadOnlyCollection<string> rooms)
    {
        var i = 0;
        foreach (var room in rooms)
        {
            query.Parameters.AddWithValue($"$r{i++}", room);
        }

        var inRooms = string.Join(", ", rooms.Select((_, n) => $"$r{n}"));
        return $"((kind IN (0, 5) AND room IN ({(inRooms.Length == 0 ? "NULL" : inRooms)})) OR (kind IN (1, 6) AND (sender = $nick COLLATE NOCASE OR recipient = $nick COLLATE NOCASE)))";
    }

    // The indexing service's: adds what the store took since the last call to the words index (a batch at most), and
    // lets go of what retention pruned; returns how many messages it read (SqliteSearchIndex.Batch: call again).
    public int IndexNewMessages()
    {
        if (Volatile.Read(ref _prunedBelow) is var below && below > _forgottenBelow)
        {
            _index.Forget(below);
            _forgottenBelow = below;
        }

        using var connection = OpenReader();
        return _index.CatchUp(connection);
    }

    // The index's place, for the counters and tests.
    public long IndexedUpTo => _index.IndexedUpTo;

    public ValueTask<long> IdAtAsync(DateTimeOffset time)
    {
        using var connection = OpenReader();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT coalesce((SELECT min(id) FROM messages WHERE ts >= $ts), (SELECT coalesce(max(id), 0) + 1 FROM messages))";
        query.Parameters.AddWithValue("$ts", time.ToUnixTimeMilliseconds());
        return ValueTask.FromResult((long)query.ExecuteScalar()!);
    }

    public ValueTask<IdentityRecord?> FindIdentityAsync(string token) => ValueTask.FromResult(FindIdentity(token));

    public ValueTask<IReadOnlyList<StoredMessage>> PrivateAsync(string nick, string? peer, long afterId, long beforeId, int limit, bool forward = false)
    {
        using var connection = OpenReader();
        using var query = connection.CreateCommand();
        // Each side by its own index, merged: what nick sent (to peer) and what it was sent (by peer).
        var order = forward ? "ASC" : "DESC";
        query.CommandText = $"""
            SELECT * FROM (
                SELECT * FROM (SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
                    WHERE kind IN (1, 6) AND sender = $nick COLLATE NOCASE {(peer is null ? string.Empty : "AND recipient = $peer COLLATE NOCASE")}
                    AND id > $after AND id < $before ORDER BY id {order} LIMIT $limit)
                UNION
                SELECT * FROM (SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
                    WHERE kind IN (1, 6) AND recipient = $nick COLLATE NOCASE {(peer is null ? string.Empty : "AND sender = $peer COLLATE NOCASE")}
                    AND id > $after AND id < $before ORDER BY id {order} LIMIT $limit))
            ORDER BY id {order} LIMIT $limit
            """;
        query.Parameters.AddWithValue("$nick", nick);
        query.Parameters.AddWithValue("$peer", (object?)peer ?? DBNull.Value);
        query.Parameters.AddWithValue("$after", afterId);
        query.Parameters.AddWithValue("$before", beforeId);
        query.Parameters.AddWithValue("$limit", limit);
        var found = Read(query).ToList();
        if (!forward)
        {
            found.Reverse();
        }

        return ValueTask.FromResult<IReadOnlyList<StoredMessage>>(found);
    }

    public ValueTask<IReadOnlyDictionary<string, string>> AccountStateAsync(string account)
    {
        using var connection = OpenReader();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT key, value FROM account_state WHERE account = $account";
        query.Parameters.AddWithValue("$account", account);
        using var reader = query.ExecuteReader();
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            state[reader.GetString(0)] = reader.GetString(1);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(state);
    }

    // Its own connection, beside the log's writer (SQLite waits its turn for the write lock): rare, small writes.
    // On the writer's connection: the log's writer is the one that keeps account state (MessageLog.SaveStateAsync).
    public ValueTask SaveAccountStateAsync(string account, string key, string value)
    {
        var connection = _writer ?? throw new InvalidOperationException("The store is not open.");
        using var upsert = connection.CreateCommand();
        upsert.CommandText = "INSERT INTO account_state (account, key, value) VALUES ($account, $key, $value) ON CONFLICT (account, key) DO UPDATE SET value = excluded.value";
        upsert.Parameters.AddWithValue("$account", account);
        upsert.Parameters.AddWithValue("$key", key);
        upsert.Parameters.AddWithValue("$value", value);
        upsert.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    private IdentityRecord? FindIdentity(string token)
    {
        using var connection = OpenReader();
        using var query = connection.CreateCommand();
        // Seen last: its last save, or its last message if that came later (a crash saves nothing on the way out).
        query.CommandText = "SELECT token, nick, room, max(seen, coalesce((SELECT max(ts) FROM messages WHERE sender_token = $token), 0)) FROM identities WHERE token = $token";
        query.Parameters.AddWithValue("$token", token);
        using var reader = query.ExecuteReader();
        return reader.Read()
            ? new IdentityRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
            : null;
    }

    public int Prune(DateTimeOffset? before, int? maxPerRoom)
    {
        // Its own connection, in small transactions, so the writer is never blocked for long.
        using var connection = OpenReader();
        var removed = 0;
        if (before is { } cutoff)
        {
            removed += DeleteInBatches(connection, "DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE ts < $cutoff AND (kind != 4 OR id <= (SELECT coalesce(max(up_to), 0) FROM moderation_snapshot)) LIMIT 5000)", ("$cutoff", cutoff.ToUnixTimeMilliseconds()));
        }

        if (maxPerRoom is { } keep)
        {
            removed += DeleteInBatches(
                connection,
                "DELETE FROM messages WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY room ORDER BY id DESC) AS newer FROM messages WHERE kind IN (0, 5)) WHERE newer > $keep LIMIT 5000)",
                ("$keep", keep));
        }

        // The index lets go of what is gone below the oldest kept (its indexer does, on its own connection).
        Volatile.Write(ref _prunedBelow, Scalar(connection, "SELECT coalesce(min(id), 0) FROM messages"));
        return removed;
    }

    public IReadOnlyList<StoredMessage> Moderation()
    {
        using var connection = OpenReader();
        var found = new List<StoredMessage>();
        long upTo = 0;
        using (var snapshot = connection.CreateCommand())
        {
            snapshot.CommandText = "SELECT up_to, ts, rules FROM moderation_snapshot";
            using var reader = snapshot.ExecuteReader();
            if (reader.Read())
            {
                upTo = reader.GetInt64(0);
                found.Add(ModerationRecord.SnapshotEntry(upTo, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2)));
            }
        }

        using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages WHERE kind = 4 AND id > $upto ORDER BY id";
        query.Parameters.AddWithValue("$upto", upTo);
        found.AddRange(Read(query));
        return found;
    }

    // On the writer's connection (MessageLog's writer alone calls it); an older snapshot never replaces a newer one.
    public ValueTask SaveModerationSnapshotAsync(long upTo, string rules)
    {
        var connection = _writer ?? throw new InvalidOperationException("The store is not open.");
        using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO moderation_snapshot (only, up_to, ts, rules) VALUES (1, $upto, $ts, $rules)
            ON CONFLICT (only) DO UPDATE SET up_to = excluded.up_to, ts = excluded.ts, rules = excluded.rules WHERE excluded.up_to > up_to
            """;
        upsert.Parameters.AddWithValue("$upto", upTo);
        upsert.Parameters.AddWithValue("$ts", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        upsert.Parameters.AddWithValue("$rules", rules);
        upsert.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public IEnumerable<StoredMessage> Export(string room, DateTimeOffset since)
    {
        using var connection = OpenReader();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages WHERE kind IN (0, 4, 5) AND room = $room AND ts >= $since ORDER BY id";
        query.Parameters.AddWithValue("$room", room);
        query.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        foreach (var message in Read(query))
        {
            yield return message;
        }
    }

    public void Dispose()
    {
        while (_roomReaders.TryTake(out var reader))
        {
            reader.Dispose();
        }

        _writer?.Dispose();
        _index.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private static int DeleteInBatches(SqliteConnection connection, string sql, (string Name, long Value) parameter)
    {
        var total = 0;
        int removed;
        do
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = sql;
            delete.Parameters.AddWithValue(parameter.Name, parameter.Value);
            removed = delete.ExecuteNonQuery();
            total += removed;
        }
        while (removed > 0);
        return total;
    }

    private static IEnumerable<StoredMessage> Read(SqliteCommand query)
    {
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            yield return new StoredMessage(
                reader.GetInt64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                (MessageKind)reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8));
        }
    }

    private static StoredMessage FindByClientId(SqliteConnection connection, SqliteTransaction transaction, string token, string cid) =>
        FindByClientIdOrNull(connection, transaction, token, cid) ?? throw new InvalidOperationException($"no message under client id {cid}");

    private static StoredMessage? FindByClientIdOrNull(SqliteConnection connection, SqliteTransaction transaction, string token, string cid)
    {
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages WHERE sender_token = $token AND cid = $cid";
        query.Parameters.AddWithValue("$token", token);
        query.Parameters.AddWithValue("$cid", cid);
        return Read(query).FirstOrDefault();
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // The insert, prepared once for the writer's life and bound by position: Microsoft.Data.Sqlite prepares a
    // command per batch and finds each parameter by name on every execution, which cost a tenth of the server's
    // CPU under a message-heavy load.
    private sealed class InsertStatement : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;

        public InsertStatement(SqliteConnection connection)
        {
            _connection = connection;
            Check(raw.sqlite3_prepare_v3(
                connection.Handle,
                "INSERT INTO messages (id, ts, kind, room, sender, recipient, text, sender_token, cid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (sender_token, cid) WHERE sender_token IS NOT NULL AND cid IS NOT NULL DO NOTHING",
                raw.SQLITE_PREPARE_PERSISTENT,
                out _statement));
        }

        // Inserts the draft as id; false when its (token, cid) is stored already.
        public bool Execute(long id, long timestamp, Draft draft)
        {
            raw.sqlite3_reset(_statement);
            Check(raw.sqlite3_bind_int64(_statement, 1, id));
            Check(raw.sqlite3_bind_int64(_statement, 2, timestamp));
            Check(raw.sqlite3_bind_int(_statement, 3, (int)draft.Kind));
            Bind(4, draft.Room);
            Bind(5, draft.From);
            Bind(6, draft.To);
            Bind(7, draft.Text);
            Bind(8, draft.SenderToken);
            Bind(9, draft.Cid);
            var result = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (result != raw.SQLITE_DONE)
            {
                Check(result);
            }

            return raw.sqlite3_changes(_connection.Handle) == 1;
        }

        public void Dispose() => _statement.Dispose();

        private void Bind(int index, string? value) =>
            Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

        private void Check(int result) => SqliteException.ThrowExceptionForRC(result, _connection.Handle);
    }

    // A reader connection with the room-history query prepared on it, reused across reads.
    private sealed class RoomReader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _query;
        private readonly SqliteParameter _room;
        private readonly SqliteParameter _after;
        private readonly SqliteParameter _before;
        private readonly SqliteParameter _limit;

        public RoomReader(SqliteConnection connection)
        {
            _connection = connection;
            _query = connection.CreateCommand();
            // The room's messages and the operator's lines (said to every room), each found through its own index.
            _query.CommandText = """
                SELECT * FROM (SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
                    WHERE room = $room AND kind IN (0, 4, 5) AND id > $after AND id < $before ORDER BY id DESC LIMIT $limit)
                UNION ALL
                SELECT * FROM (SELECT id, ts, kind, room, sender, recipient, text, sender_token, cid FROM messages
                    WHERE kind = 2 AND id > $after AND id < $before ORDER BY id DESC LIMIT $limit)
                ORDER BY id DESC LIMIT $limit
                """;
            _room = _query.Parameters.Add("$room", SqliteType.Text);
            _after = _query.Parameters.Add("$after", SqliteType.Integer);
            _before = _query.Parameters.Add("$before", SqliteType.Integer);
            _limit = _query.Parameters.Add("$limit", SqliteType.Integer);
            _query.Prepare();
        }

        // Newest first.
        public List<StoredMessage> Read(string room, long afterId, long beforeId, int limit)
        {
            _room.Value = room;
            _after.Value = afterId;
            _before.Value = beforeId;
            _limit.Value = limit;
            return [.. SqliteMessageStore.Read(_query)];
        }

        public void Dispose()
        {
            _query.Dispose();
            _connection.Dispose();
        }
    }
}
