using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace SocketChat.Server.Storage;

/// <summary>
/// Cluster mode: the log in Redis 7, shared by every server pointed at it. One script per batch gives each message
/// the next id (<c>INCR</c>), recognises a line stored before under its sender's token and client id, and adds it
/// to the global log stream (what every node tails, <see cref="ReadAfterAsync"/>), to its room's stream (history) and
/// the client-id map, then wakes the nodes (<c>PUBLISH</c>): stored and announced atomically. Stream entry ids are
/// the message ids (<c>42-0</c>); presence takes the next sequence after the last message (<c>42-1</c>), so it keeps
/// its place without using up an id.
/// </summary>
/// <remarks>
/// The script also publishes what it added, after the log's end before it (<see cref="Follow"/>): a node whose
/// position is that end takes the entries from the publication, with no read; one that missed a publication (its
/// subscription was down) sees the gap and reads the log from its position. So the log, not pub/sub, decides what
/// a node delivers, and Redis is asked once per batch, not once per node per batch.
/// </remarks>
/// <remarks>
/// Every draft carries a key it is recognised by, a client's (token, cid) or, for a line without one, this node's
/// own (node, start, sequence): a batch sent again after an error whose reply was lost is recognised, never stored
/// twice.
/// </remarks>
internal sealed class RedisMessageStore(string configuration, string node, bool requireAtStart, string? run = null) : IMessageStore
{
    public const string Prefix = "socketchat:";
    private const string LogKey = Prefix + "log";
    private const string LastIdKey = Prefix + "lastid";
    private const string AnnouncementsKey = Prefix + "announcements";

    // The global log keeps this many entries (a node away longer starts again from its end); room streams keep all.
    private const int LogLength = 1_000_000;

    // How long a client's ids are remembered (beyond any resume window), and a node's own (retries are seconds apart).
    private static readonly TimeSpan ClientIdsKept = TimeSpan.FromDays(7);
    private static readonly TimeSpan NodeIdsKept = TimeSpan.FromHours(1);

    private const string AppendScript = """
        local n = tonumber(ARGV[1])
        local ts = ARGV[2]
        local out = {}
        local published = {redis.call('GET', KEYS[3] .. 'logend') or '0-0'}
        local i = 3
        for d = 1, n do
          local kind, room, from, to, text, token, cid, origin, key, field, ttl =
            ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6], ARGV[i+7], ARGV[i+8], ARGV[i+9], ARGV[i+10]
          i = i + 11
          local fields = {'k', kind, 'r', room, 'f', from, 't', to, 'x', text, 'ts', ts, 'tk', token, 'c', cid, 'o', origin}
          if kind == '3' then
            local last = redis.call('GET', KEYS[2]) or '0'
            local entry = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[#ARGV], last .. '-*', unpack(fields))
            out[d] = {0, 0, entry}
            published[#published + 1] = entry
            for f = 2, #fields, 2 do published[#published + 1] = fields[f] end
          else
            local first = redis.call('HGET', key, field)
            if first then
              local stored = redis.call('XRANGE', KEYS[1], first .. '-0', first .. '-0')
              out[d] = {tonumber(first), 1, stored[1] and stored[1][2] or {}}
            else
              local id = redis.call('INCR', KEYS[2])
              redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[#ARGV], id .. '-0', unpack(fields))
              published[#published + 1] = id .. '-0'
              for f = 2, #fields, 2 do published[#published + 1] = fields[f] end
              if kind == '0' then
                redis.call('XADD', KEYS[3] .. 'room:' .. string.lower(room), id .. '-0', unpack(fields))
              elseif kind == '2' then
                redis.call('XADD', KEYS[3] .. 'announcements', id .. '-0', unpack(fields))
              end
              redis.call('HSET', key, field, id)
              redis.call('EXPIRE', key, ttl)
              if token ~= '' and redis.call('EXISTS', KEYS[3] .. 'identity:' .. token) == 1 then
                redis.call('HSET', KEYS[3] .. 'identity:' .. token, 'seen', ts)
              end
              out[d] = {id, 0}
            end
          end
        end
        local m = tonumber(ARGV[i])
        i = i + 1
        for e = 1, m do
          local token, nick, room, seen, ended, ttl = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5]
          i = i + 6
          if ended == '1' then
            redis.call('DEL', KEYS[3] .. 'identity:' .. token, KEYS[3] .. 'cid:' .. token)
          else
            redis.call('HSET', KEYS[3] .. 'identity:' .. token, 'nick', nick, 'room', room, 'seen', seen)
            redis.call('EXPIRE', KEYS[3] .. 'identity:' .. token, ttl)
          end
        end
        if #published > 1 then
          redis.call('SET', KEYS[3] .. 'logend', published[#published - 9])
          redis.call('PUBLISH', KEYS[3] .. 'log', cjson.encode(published))
        end
        return out
        """;

    private static readonly RedisKey[] ScriptKeys = [LogKey, LastIdKey, Prefix];

    // What the script publishes for each entry after its id, in this order (the stream's field names).
    private static readonly RedisValue[] PublishedFields = ["k", "r", "f", "t", "x", "ts", "tk", "c", "o"];

    /// <summary>The channel the append script publishes what it added on.</summary>
    public static readonly RedisChannel LogChannel = RedisChannel.Literal(Prefix + "log");
    private readonly string _run = run ?? $"{node}:{Guid.NewGuid():N}";
    private ConnectionMultiplexer? _redis;
    private string _position = "0-0";
    private volatile bool _positioned;

    // Started once (again after a failure) by whichever comes first at a node's first contact with Redis: its first
    // append or its tail's first read.
    private Task? _positioning;

    public string Location { get; } = ConfigurationOptions.Parse(configuration).ToString(includePassword: false);

    public string? Problem => Reachable ? null : $"cannot reach Redis at {Location}";

    /// <summary>The newest id given out, or 0 while Redis cannot be reached (not asked then: a command would wait out its timeout).</summary>
    public long LastId
    {
        get
        {
            if (!Reachable)
            {
                return 0;
            }

            try
            {
                return (long?)Database.StringGet(LastIdKey) ?? 0;
            }
            catch (RedisConnectionException)
            {
                return 0;
            }
        }
    }

    /// <summary>True once Redis has answered (a node may start before it does, and keeps trying).</summary>
    public bool Reachable => _redis?.IsConnected == true;

    /// <summary>The connection, for the log's tail and the cluster's registries.</summary>
    public ConnectionMultiplexer Connection => _redis ?? throw new InvalidOperationException("The store is not open.");

    private IDatabase Database => Connection.GetDatabase();

    public void Open()
    {
        var options = ConfigurationOptions.Parse(configuration);

        // Unless told to refuse, a node starts without Redis and keeps trying; it serves once Redis answers.
        options.AbortOnConnectFail = requireAtStart;
        options.ClientName = node;
        try
        {
            _redis = ConnectionMultiplexer.Connect(options);
        }
        catch (RedisConnectionException ex)
        {
            throw new StorageException($"cannot reach Redis at {Location} and Chat:Storage:RequireAtStart=true: {ex.FailureType}", ex);
        }

        // The tail starts at the log's end: what came before is history, read from the rooms' streams.
        if (_redis.IsConnected)
        {
            _position = LogEnd();
            _positioned = true;
            _positioning = Task.CompletedTask;
        }
    }

    public async ValueTask<IReadOnlyList<Appended>> AppendAsync(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities)
    {
        if (!_positioned)
        {
            // A node that started without Redis takes its place in the log before its first line goes in, or the
            // tail, starting at the end after it, would never deliver that line here.
            await PositionedAsync();
        }

        var arguments = new List<RedisValue>((drafts.Count * 11) + (identities.Count * 6) + 4)
        {
            drafts.Count,
            timestamp.ToUnixTimeMilliseconds(),
        };
        foreach (var draft in drafts)
        {
            var (key, field, kept) = draft is { SenderToken: { } token, Cid: { } cid }
                ? ($"{Prefix}cid:{token}", cid, ClientIdsKept)
                : ($"{Prefix}own:{_run}", draft.Sequence.ToString(CultureInfo.InvariantCulture), NodeIdsKept);
            arguments.AddRange(
            [
                (int)draft.Kind, draft.Room ?? string.Empty, draft.From, draft.To ?? string.Empty, draft.Text,
                draft.SenderToken ?? string.Empty, draft.Cid ?? string.Empty, Origin(draft.Origin),
                key, field, (long)kept.TotalSeconds,
            ]);
        }

        arguments.Add(identities.Count);
        foreach (var identity in identities)
        {
            arguments.AddRange(
            [
                identity.Token, identity.Nick, identity.Room, identity.Seen.ToUnixTimeMilliseconds(), identity.Ended ? 1 : 0,
                (long)ClientIdsKept.TotalSeconds,
            ]);
        }

        arguments.Add(LogLength);
        var results = (RedisResult[])(await Database.ScriptEvaluateAsync(AppendScript, ScriptKeys, [.. arguments]))!;
        var appended = new List<Appended>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            var result = (RedisResult[])results[i]!;
            var id = (long)result[0];
            appended.Add((int)result[1] == 1
                ? new Appended(First(id, (RedisResult[])result[2]!, drafts[i]), Duplicate: true)
                : new Appended(StoredMessage.Of(drafts[i], id, timestamp), Duplicate: false));
        }

        return appended;
    }

    /// <summary>
    /// The log after this node's position, oldest first, at most <paramref name="count"/> entries; moves the position
    /// past them. Empty when there is nothing new. Throws while Redis cannot be reached (the position stays).
    /// </summary>
    public async ValueTask<IReadOnlyList<StoredMessage>> ReadAfterAsync(int count)
    {
        if (!_positioned)
        {
            // First contact after starting without Redis: start at the end, like a node that started with it.
            await PositionedAsync();
        }

        var entries = await Database.StreamRangeAsync(LogKey, "(" + _position, "+", count);
        var read = new List<StoredMessage>(entries.Length);
        foreach (var entry in entries)
        {
            read.Add(Parse(entry));
            _position = entry.Id!;
        }

        return read;
    }

    /// <summary>
    /// A publication of the append script: the log's end before it, then each entry's id and fields. When it follows
    /// this node's position, its entries (and the position moves past them); when this node has them already, none;
    /// null when there is a gap (a publication was missed), to be filled by <see cref="ReadAfterAsync"/>.
    /// </summary>
    public IReadOnlyList<StoredMessage>? Follow(ReadOnlySpan<byte> publication)
    {
        var reader = new Utf8JsonReader(publication);
        if (!_positioned || !reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read())
        {
            return null;
        }

        var previous = reader.GetString()!;
        var entries = new List<StoredMessage>();
        var values = new NameValueEntry[PublishedFields.Length];
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            var id = reader.GetString()!;
            for (var field = 0; field < values.Length && reader.Read(); field++)
            {
                values[field] = new NameValueEntry(PublishedFields[field], reader.GetString());
            }

            if (!After(id, _position))
            {
                // Read already, from the log itself.
                previous = id;
                continue;
            }

            if (previous != _position)
            {
                // Something between this node's position and this entry was not seen: read the log.
                return null;
            }

            entries.Add(ToMessage(id, values));
            _position = previous = id;
        }

        return entries;
    }

    public async ValueTask<IReadOnlyList<StoredMessage>> RoomAsync(string room, long afterId, long beforeId, int limit)
    {
        var upper = beforeId == long.MaxValue ? "+" : "(" + beforeId.ToString(CultureInfo.InvariantCulture) + "-0";
        var lower = afterId <= 0 ? "-" : "(" + afterId.ToString(CultureInfo.InvariantCulture) + "-0";
        var inRoom = Database.StreamRangeAsync(RoomKey(room), lower, upper, limit, Order.Descending);
        var announced = Database.StreamRangeAsync(AnnouncementsKey, lower, upper, limit, Order.Descending);
        var messages = (await inRoom)
            .Concat(await announced)
            .Select(Parse)
            .OrderByDescending(message => message.Id)
            .Take(limit)
            .ToList();
        messages.Reverse();
        return messages;
    }

    public async ValueTask<IdentityRecord?> FindIdentityAsync(string token)
    {
        var fields = (await Database.HashGetAllAsync($"{Prefix}identity:{token}")).ToDictionary(field => field.Name.ToString(), field => field.Value);
        return fields.Count == 0
            ? null
            : new IdentityRecord(token, fields["nick"]!, fields["room"]!, DateTimeOffset.FromUnixTimeMilliseconds((long)fields["seen"]));
    }

    public int Prune(DateTimeOffset? before, int? maxPerRoom)
    {
        var removed = 0;
        var server = Connection.GetServers().First(server => server.IsConnected);
        foreach (var key in server.Keys(pattern: Prefix + "room:*").Append(AnnouncementsKey))
        {
            if (before is { } cutoff)
            {
                removed += (int)Database.StreamTrimByMinId(key, FirstAtOrAfter(key, cutoff));
            }

            if (maxPerRoom is { } keep && key != AnnouncementsKey)
            {
                removed += (int)Database.StreamTrim(key, keep);
            }
        }

        return removed;
    }

    public IEnumerable<StoredMessage> Export(string room, DateTimeOffset since) =>
        Database.StreamRange(RoomKey(room), "-", "+").Select(Parse).Where(message => message.Timestamp >= since);

    public void Dispose() => _redis?.Dispose();

    // Stream ids compare by their two numbers ("42-0" < "42-1" < "43-0").
    private static bool After(string id, string other)
    {
        static (long Ms, long Seq) Parts(string id) =>
            id.IndexOf('-', StringComparison.Ordinal) is var dash and > 0
                ? (long.Parse(id[..dash], CultureInfo.InvariantCulture), long.Parse(id[(dash + 1)..], CultureInfo.InvariantCulture))
                : (long.Parse(id, CultureInfo.InvariantCulture), 0);
        return Parts(id).CompareTo(Parts(other)) > 0;
    }

    private static string RoomKey(string room) => $"{Prefix}room:{room.ToLowerInvariant()}";

    // The id of the first entry at or after the cutoff; everything before it is older (entries are in time order).
    // When there is none, an id past the last entry, so every entry goes.
    private RedisValue FirstAtOrAfter(RedisKey key, DateTimeOffset cutoff)
    {
        var position = "-";
        RedisValue past = "0-1";
        while (true)
        {
            var entries = Database.StreamRange(key, position, "+", 1000);
            if (entries.Length == 0)
            {
                return past;
            }

            var last = entries[^1].Id.ToString();
            past = $"{last[..last.IndexOf('-', StringComparison.Ordinal)]}-{long.Parse(last[(last.IndexOf('-', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture) + 1}";

            foreach (var entry in entries)
            {
                if ((long)entry["ts"] >= cutoff.ToUnixTimeMilliseconds())
                {
                    return entry.Id;
                }
            }

            position = "(" + entries[^1].Id;
        }
    }

    // The tail's start at the log's end, taken once: a second reading after lines went in would skip them.
    private Task PositionedAsync()
    {
        var current = Volatile.Read(ref _positioning);
        if (current is { IsFaulted: false })
        {
            return current;
        }

        var positioning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _positioning, positioning.Task, current) != current)
        {
            return Volatile.Read(ref _positioning)!;
        }

        _ = PositionAsync(positioning);
        return positioning.Task;
    }

    private async Task PositionAsync(TaskCompletionSource positioning)
    {
        try
        {
            _position = await LogEndAsync();
            _positioned = true;
            positioning.SetResult();
        }
        catch (Exception ex)
        {
            positioning.SetException(ex);
        }
    }

    private string LogEnd() => Database.StreamRange(LogKey, "-", "+", 1, Order.Descending) is [var last] ? last.Id! : "0-0";

    private async Task<string> LogEndAsync() => await Database.StreamRangeAsync(LogKey, "-", "+", 1, Order.Descending) is [var last] ? last.Id! : "0-0";

    // "run/connection": which process appended it (its own presence it has told its members already) and the sender's
    // connection there (0 for none), so it does not send the sender its own line. The run, not the node's name: two
    // processes under one name (a mistake refused at start, or a restart) never take each other's lines for theirs.
    private string Origin(long connection) => $"{_run}/{connection.ToString(CultureInfo.InvariantCulture)}";

    private StoredMessage Parse(StreamEntry entry) => ToMessage(entry.Id!, entry.Values);

    // A resent line's first, as the script found it in the log; a log trimmed past it leaves its id and the draft.
    private StoredMessage First(long id, RedisResult[] flat, Draft draft)
    {
        if (flat.Length == 0)
        {
            return StoredMessage.Of(draft, id, DateTimeOffset.UnixEpoch);
        }

        var pairs = new NameValueEntry[flat.Length / 2];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new NameValueEntry((RedisValue)flat[2 * i], (RedisValue)flat[(2 * i) + 1]);
        }

        return ToMessage($"{id}-0", pairs);
    }

    private StoredMessage ToMessage(string id, NameValueEntry[] values)
    {
        var fields = values.ToDictionary(value => value.Name.ToString(), value => value.Value.ToString());
        var kind = (MessageKind)int.Parse(fields["k"], CultureInfo.InvariantCulture);
        var messageId = kind == MessageKind.Presence ? 0 : long.Parse(id[..id.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        var local = fields.GetValueOrDefault("o") is { Length: > 0 } from && from.StartsWith(_run + "/", StringComparison.Ordinal);
        var origin = local ? long.Parse(fields["o"][(_run.Length + 1)..], CultureInfo.InvariantCulture) : 0;
        return new StoredMessage(
            messageId,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields["ts"], CultureInfo.InvariantCulture)),
            kind,
            Empty(fields["r"]),
            fields["f"],
            Empty(fields["t"]),
            fields["x"],
            Empty(fields.GetValueOrDefault("tk")),
            Empty(fields.GetValueOrDefault("c"))) { Origin = origin, Local = local };
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
