using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Cluster;

// Cluster mode: the log in Redis 7, shared by every server pointed at it. One script per batch gives each message
// the next id (INCR), recognises a line stored before under its sender's token and client id, and adds it
// to the global log stream (what every node tails, ReadAfterAsync), to its room's stream (history) and
// the client-id map, then wakes the nodes (PUBLISH): stored and announced atomically. Stream entry ids are
// the message ids (42-0); presence takes the next sequence after the last message (42-1), so it keeps
// its place without using up an id.
// The script also publishes what it added, after the log's end before it (Follow): a node whose
// position is that end takes the entries from the publication, with no read; one that missed a publication (its
// subscription was down) sees the gap and reads the log from its position. So the log, not pub/sub, decides what
// a node delivers, and Redis is asked once per batch, not once per node per batch.
// Every draft carries a key it is recognised by, a client's (token, cid) or, for a line without one, this node's
// own (node, start, sequence): a batch sent again after an error whose reply was lost is recognised, never stored
// twice.
// With Chat:Storage:WaitForReplicas the publication waits: the script keeps it back, WAIT confirms the replicas have
// the batch, and only then does the release publish it and move the log's replicated mark (socketchat:acked) past
// it. Such a node reads the log only up to that mark, so no node delivers a line its replicas might not have (after
// a failover it would be gone, and its id given again). Replication is one ordered stream: a later batch's WAIT
// covers every earlier one, so the mark only moves forward. A node that does not wait moves it in the script.
// Messages are timed by Redis (TIME in the script), not by the node that appends them, so a node whose clock
// is off cannot misdate them; storeClock false takes the caller's time instead (the store
// contract's tests, which date messages on purpose).
internal sealed class RedisMessageStore(string configuration, string node, bool requireAtStart, string? run = null, bool storeClock = true, int waitForReplicas = 0) : IMessageStore
{
    // Chat:Storage:WaitForReplicas: how long a batch's WAIT may take for its replicas before the batch counts as not
    // stored (and is tried again, acknowledged only once they have it).
    public static readonly TimeSpan ReplicaWait = TimeSpan.FromMilliseconds(500);

    // With WaitForReplicas, the writer's own connection: WAIT counts what was written on the connection it is sent
    // on, and blocks that connection while it waits, which must not hold up reads and claims on the shared one.
    private ConnectionMultiplexer? _writer;

    // The pool threads a node keeps ready (see Open).
    private const int MinPoolThreads = 32;

    public const string Prefix = "socketchat:";
    private const string LogKey = Prefix + "log";
    private const string LastIdKey = Prefix + "lastid";
    private const string AnnouncementsKey = Prefix + "announcements";

    // The newest log entry every replica asked for has (the release moves it; a node that does not wait, its script).
    private const string AckedKey = Prefix + "acked";

    // Every moderation entry, never trimmed: what a node starting (or first reaching Redis) applies up to its place.
    private const string ModerationKey = Prefix + "moderation";

    // The newest snapshot of every rule (a hash: up_to, ts, rules); the moderation stream keeps only what follows it.
    private const string SnapshotKey = Prefix + "moderation:snapshot";

    // Keeps a snapshot unless one further on is kept, and trims the moderation stream of what it holds.
    private const string SnapshotScript = """
        local kept = tonumber(redis.call('HGET', KEYS[1], 'up_to') or '0')
        if tonumber(ARGV[1]) <= kept then return 0 end
        redis.call('HSET', KEYS[1], 'up_to', ARGV[1], 'ts', ARGV[2], 'rules', ARGV[3])
        redis.call('XTRIM', KEYS[2], 'MINID', (tonumber(ARGV[1]) + 1) .. '-0')
        return 1
        """;

    // The global log keeps this many entries (a node away longer starts again from its end); room streams keep all.
    private const int LogLength = 1_000_000;

    // How long a client's ids are remembered (beyond any resume window), and a node's own (retries are seconds apart).
    private static readonly TimeSpan ClientIdsKept = TimeSpan.FromDays(7);
    private static readonly TimeSpan NodeIdsKept = TimeSpan.FromHours(1);

    // Moves the replicated mark (KEYS[1]) to the entry id ARGV[1] when that is later, and publishes ARGV[2] on the
    // log's channel (KEYS[2]). Both scripts start with it.
    private const string MarkFunction = """
        local function later(a, b)
          local a1, a2 = string.match(a, '^(%d+)-(%d+)$')
          local b1, b2 = string.match(b, '^(%d+)-(%d+)$')
          a1, a2, b1, b2 = tonumber(a1), tonumber(a2), tonumber(b1), tonumber(b2)
          return a1 > b1 or (a1 == b1 and a2 > b2)
        end
        local function release(mark, channel, newest, publication)
          if later(newest, redis.call('GET', mark) or '0-0') then
            redis.call('SET', mark, newest)
          end
          if publication then
            redis.call('PUBLISH', channel, publication)
          end
        end

        """;

    // After WAIT: the batch's newest entry id and its publication (or the bare mark, ["?"], for a batch found
    // stored already: its entries were never published, so the nodes read the log).
    private const string ReleaseScript = MarkFunction + """
        release(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
        return 1
        """;

    private static readonly RedisKey[] ReleaseKeys = [AckedKey, Prefix + "log"];

    private const string AppendScript = MarkFunction + """
        local epoch = redis.call('GET', KEYS[3] .. 'epoch')
        if epoch ~= ARGV[#ARGV - 2] then
          return redis.error_reply('LOGLOST ' .. (epoch or 'none'))
        end
        local counter = tonumber(redis.call('GET', KEYS[2]) or '0')
        if counter < tonumber(ARGV[#ARGV - 1]) then
          return redis.error_reply('LOGBEHIND ' .. counter)
        end
        local newest = '0-0'
        local ts = ARGV[2]
        if ts == '' then
          local clock = redis.call('TIME')
          ts = clock[1] .. string.format('%03d', math.floor(tonumber(clock[2]) / 1000))
        end
        local n = tonumber(ARGV[1])
        local out = {}
        local published = {redis.call('GET', KEYS[3] .. 'logend') or '0-0'}
        local i = 3
        local restricted = KEYS[3] .. 'restricted'
        local staleOrigins = {}
        for d = 1, n do
          local kind, room, from, to, text, token, cid, origin, key, field, ttl, judged, restricts =
            ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6], ARGV[i+7], ARGV[i+8], ARGV[i+9], ARGV[i+10], ARGV[i+11], ARGV[i+12]
          i = i + 13
          local fields = {'k', kind, 'r', room, 'f', from, 't', to, 'x', text, 'ts', ts, 'tk', token, 'c', cid, 'o', origin}
          -- A line judged at a position before an entry that can restrict it (in its room, or server-wide) is stale:
          -- not stored; its node judges it again. A connection's later drafts in the batch are stale with it.
          local stale = 0
          if kind ~= '3' and staleOrigins[origin] then
            stale = staleOrigins[origin]
          elseif judged ~= '' then
            local after = tonumber(redis.call('HGET', restricted, '*') or '0')
            if kind == '0' or kind == '5' then
              local inRoom = tonumber(redis.call('HGET', restricted, string.lower(room)) or '0')
              if inRoom > after then after = inRoom end
            end
            if after > tonumber(judged) then
              stale = after
              staleOrigins[origin] = after
            end
          end
          if stale > 0 and kind ~= '3' and not redis.call('HGET', key, field) then
            out[d] = {0, 2, stale}
          elseif kind == '3' then
            -- A presence entry tried again (its batch's WAIT failed, or a timeout hid that it got through) is
            -- found under its key too, never added twice.
            local first = redis.call('HGET', key, field)
            if first then
              out[d] = {0, 0, first}
              if later(first, newest) then newest = first end
            else
              local last = redis.call('GET', KEYS[2]) or '0'
              local entry = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[#ARGV - 3], last .. '-*', unpack(fields))
              redis.call('HSET', key, field, entry)
              redis.call('EXPIRE', key, ttl)
              out[d] = {0, 0, entry}
              newest = entry
              published[#published + 1] = entry
              for f = 2, #fields, 2 do published[#published + 1] = fields[f] end
            end
          else
            local first = redis.call('HGET', key, field)
            if first then
              local stored = redis.call('XRANGE', KEYS[1], first .. '-0', first .. '-0')
              out[d] = {tonumber(first), 1, stored[1] and stored[1][2] or {}}
              if later(first .. '-0', newest) then newest = first .. '-0' end
            else
              local id = redis.call('INCR', KEYS[2])
              redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[#ARGV - 3], id .. '-0', unpack(fields))
              newest = id .. '-0'
              published[#published + 1] = id .. '-0'
              for f = 2, #fields, 2 do published[#published + 1] = fields[f] end
              if kind == '0' or kind == '5' then
                redis.call('XADD', KEYS[3] .. 'room:' .. string.lower(room), id .. '-0', unpack(fields))
              elseif kind == '2' then
                redis.call('XADD', KEYS[3] .. 'announcements', id .. '-0', unpack(fields))
              elseif kind == '4' then
                if room ~= '' then
                  redis.call('XADD', KEYS[3] .. 'room:' .. string.lower(room), id .. '-0', unpack(fields))
                end
                redis.call('XADD', KEYS[3] .. 'moderation', id .. '-0', unpack(fields))
              elseif kind == '1' or kind == '6' then
                redis.call('XADD', KEYS[3] .. 'private:' .. string.lower(from), id .. '-0', unpack(fields))
                if string.lower(to) ~= string.lower(from) then
                  redis.call('XADD', KEYS[3] .. 'private:' .. string.lower(to), id .. '-0', unpack(fields))
                end
              end
              if restricts == '1' then
                redis.call('HSET', restricted, room == '' and '*' or string.lower(room), id)
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
            redis.call('HSET', KEYS[3] .. 'identity:' .. token, 'nick', nick, 'room', room, 'seen', ts)
            redis.call('EXPIRE', KEYS[3] .. 'identity:' .. token, ttl)
          end
        end
        local publication = nil
        if #published > 1 then
          redis.call('SET', KEYS[3] .. 'logend', published[#published - 9])
          publication = cjson.encode(published)
        end
        out[n + 1] = ts
        if ARGV[#ARGV] == '1' then
          out[n + 2] = newest
          out[n + 3] = publication or '["?"]'
        elseif n > 0 then
          release(KEYS[3] .. 'acked', KEYS[3] .. 'log', newest, publication)
        end
        return out
        """;

    // Takes the log this node will follow: the one whose epoch it knows, else a new epoch where there is none (a
    // new or emptied Redis) or where the one it knew is still there but the log went backwards; another node's new
    // epoch is adopted as it is. Ids continue after the floor (what this node has seen), so none is given twice.
    private const string AdoptScript = """
        local epoch = redis.call('GET', KEYS[1])
        if (not epoch) or epoch == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[2])
          epoch = ARGV[2]
        end
        if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[3]) then
          redis.call('SET', KEYS[2], ARGV[3])
        end
        return epoch
        """;

    private const string EpochKey = Prefix + "epoch";

    private static readonly RedisKey[] ScriptKeys = [LogKey, LastIdKey, Prefix];

    // What the script publishes for each entry after its id, in this order (the stream's field names).
    private static readonly RedisValue[] PublishedFields = ["k", "r", "f", "t", "x", "ts", "tk", "c", "o"];

    // The channel the append script publishes what it added on.
    public static readonly RedisChannel LogChannel = RedisChannel.Literal(Prefix + "log");
    private readonly string _run = run ?? $"{node}:{Guid.NewGuid():N}";
    private ConnectionMultiplexer? _redis;
    private readonly SentinelWatch? _watch = SentinelWatch.For(configuration);
    private string _position = "0-0";
    private volatile bool _positioned;

    // Where this node took its place in the log: the moderation entries up to it are read (once) before the log.
    private volatile string? _replayUpTo;

    // The log this node follows (null until it has taken its place), and the highest id it has seen in it.
    private volatile string? _epoch;
    private long _highest;
    private long _lostUpTo;
    private long _unnumbered;

    // Set when the log was found lost (by the writer or the tail); the tail alone moves its position, so it is the
    // one that goes back to the new log's start, before its next read (never twice over what it read since).
    private int _reposition;

    public long LostUpTo => Volatile.Read(ref _lostUpTo);

    // When this node last appended (Environment.TickCount64), 0 before it has.
    public long AppendedAt => Volatile.Read(ref _appendedAt);

    private long _appendedAt;

    // Started once (again after a failure) by whichever comes first at a node's first contact with Redis: its first
    // append or its tail's first read.
    private Task? _positioning;

    public string Kind => "redis";

    public string Location { get; } = ConfigurationOptions.Parse(configuration).ToString(includePassword: false);

    public string? Problem => Reachable ? null : $"cannot reach Redis at {Location}";

    // The newest id given out, or 0 while Redis cannot be reached (not asked then: a command would wait out its timeout).
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

    // True once Redis has answered (a node may start before it does, and keeps trying).
    public bool Reachable => _redis?.IsConnected == true;

    // The connection, for the log's tail and the cluster's registries.
    public ConnectionMultiplexer Connection => _redis ?? throw new InvalidOperationException("The store is not open.");

    private IDatabase Database => Connection.GetDatabase();

    public void Open()
    {
        var options = ConfigurationOptions.Parse(configuration);

        // Unless told to refuse, a node starts without Redis and keeps trying; it serves once Redis answers.
        options.AbortOnConnectFail = requireAtStart;

        // Redis's client follows a Sentinel failover by blocking pool threads (it waits on its reconfiguration, and
        // sleeps between asking the Sentinels), once a second per connection while the primary is away. With the
        // pool's few threads (one per core) that starved everything else: a node took some 20 s after the promotion
        // to acknowledge again, not 0.1 s. Threads enough for that from the start, not as the pool slowly adds them.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, MinPoolThreads), completions);
        options.ClientName = node;
        try
        {
            _redis = ConnectionMultiplexer.Connect(options);
            if (waitForReplicas > 0)
            {
                var writer = options.Clone();
                writer.ClientName = $"{node}:writer";
                _writer = ConnectionMultiplexer.Connect(writer);
            }
        }
        catch (RedisConnectionException ex)
        {
            throw new StorageException($"cannot reach Redis at {Location} and Chat:Storage:RequireAtStart=true: {ex.FailureType}", ex);
        }

        // The tail starts at the log's end: what came before is history, read from the rooms' streams.
        if (_redis.IsConnected)
        {
            _epoch = (string?)Database.ScriptEvaluate(AdoptScript, [EpochKey, LastIdKey], [string.Empty, NewEpoch(), 0]);
            _position = LogEnd();
            _replayUpTo = _position;
            _highest = LastId;
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

        await EnsurePrimaryAsync();
        var arguments = new List<RedisValue>((drafts.Count * 13) + (identities.Count * 6) + 5)
        {
            drafts.Count,
            storeClock ? RedisValue.EmptyString : timestamp.ToUnixTimeMilliseconds(),
        };
        foreach (var draft in drafts)
        {
            var (key, field, kept) = draft is { SenderToken: { } token, Cid: { } cid }
                ? ($"{Prefix}cid:{token}", cid, ClientIdsKept)
                : ($"{Prefix}own:{_run}", Field(draft), NodeIdsKept);
            arguments.AddRange(
            [
                (int)draft.Kind, draft.Room ?? string.Empty, draft.From, draft.To ?? string.Empty, draft.Text,
                draft.SenderToken ?? string.Empty, draft.Cid ?? string.Empty, Origin(draft.Origin),
                key, field, (long)kept.TotalSeconds,
                draft.JudgedAt is { } judged ? judged : RedisValue.EmptyString, draft.Restricts ? 1 : 0,
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
        arguments.Add(_epoch);

        // The highest id this node has seen: a log whose counter is below it went back (a replica promoted without
        // the last writes), and must not hand those ids out again.
        arguments.Add(Volatile.Read(ref _highest));
        arguments.Add(waitForReplicas > 0 ? 1 : 0);
        RedisResult[] results;
        var writer = (_writer ?? Connection).GetDatabase();
        try
        {
            results = (RedisResult[])(await writer.ScriptEvaluateAsync(AppendScript, ScriptKeys, [.. arguments]))!;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("LOGLOST ", StringComparison.Ordinal))
        {
            throw await LostAsync($"its epoch is {ex.Message["LOGLOST ".Length..]}, not {_epoch}");
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("LOGBEHIND ", StringComparison.Ordinal))
        {
            throw await LostAsync($"its ids end at {ex.Message["LOGBEHIND ".Length..]}, below the {Volatile.Read(ref _highest)} this node has seen");
        }

        // Acknowledged means replicated, when asked: the batch counts as stored once that many replicas have it (one
        // round trip a batch). Until then it is not, and the log tries it again: the script finds it there and
        // answers with what it stored, so nothing is stored twice.
        if (waitForReplicas > 0)
        {
            var replicated = (long)await writer.ExecuteAsync("WAIT", waitForReplicas, (long)ReplicaWait.TotalMilliseconds);
            if (replicated < waitForReplicas)
            {
                throw new StoreUnavailableException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"only {replicated} of the {waitForReplicas} replicas Chat:Storage:WaitForReplicas asks for took the batch within {ReplicaWait.TotalMilliseconds:0} ms"));
            }

            // Now the nodes may deliver it: the mark moves past it, and they are told.
            if (drafts.Count > 0)
            {
                await writer.ScriptEvaluateAsync(ReleaseScript, ReleaseKeys, [(string)results[drafts.Count + 1]!, (string)results[drafts.Count + 2]!]);
            }
        }

        // The store's clock, not this node's: every node's messages are timed alike, whatever its own clock says.
        timestamp = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)results[drafts.Count]!, CultureInfo.InvariantCulture));
        if (drafts.Count > 0)
        {
            // Its publication is owed to every node's tail, this one's too (RedisLogTail's silent-subscription check).
            Volatile.Write(ref _appendedAt, Environment.TickCount64);
        }

        var appended = new List<Appended>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            var result = (RedisResult[])results[i]!;
            var id = (long)result[0];
            appended.Add((int)result[1] switch
            {
                1 => new Appended(First(id, (RedisResult[])result[2]!, drafts[i]), Duplicate: true),
                2 => Appended.Stale(drafts[i], (long)result[2]),
                _ => new Appended(StoredMessage.Of(drafts[i], id, timestamp), Duplicate: false),
            });
            Seen(id);
        }

        return appended;
    }

    // The log after this node's position, oldest first, at most count entries; moves the position
    // past them. Empty when there is nothing new. Throws while Redis cannot be reached (the position stays).
    public async ValueTask<IReadOnlyList<StoredMessage>> ReadAfterAsync(int count)
    {
        if (!_positioned)
        {
            // First contact after starting without Redis: start at the end, like a node that started with it.
            await PositionedAsync();
        }

        await EnsurePrimaryAsync();
        if (Interlocked.Exchange(ref _reposition, 0) == 1)
        {
            _position = "0-0";
            _replayUpTo = null;
        }

        if (_replayUpTo is { } upTo)
        {
            // Before anything after this node's place: the moderation that came before it (the snapshot, then the
            // entries after it), applied, not told.
            var earlier = await ModerationAsync(upTo);
            _replayUpTo = null;
            if (earlier.Count > 0)
            {
                return [.. earlier.Select(entry => entry with { Replayed = true })];
            }
        }

        // The log is checked to be the one this node follows as it is read: its epoch, and its ids not gone backwards.
        // The highest id this node knows is taken before the reads leave: one it appends meanwhile may be above
        // the newest id they find, in a log that went nowhere.
        var highest = Volatile.Read(ref _highest);
        var database = Database;
        var epoch = database.StringGetAsync(EpochKey);
        var lastId = database.StringGetAsync(LastIdKey);

        // Waiting for replicas, only what they have: the mark is read before the range (one connection, in order).
        var acked = waitForReplicas > 0 ? database.StringGetAsync(AckedKey) : null;
        var entries = await database.StreamRangeAsync(LogKey, "(" + _position, "+", count);
        if ((string?)await epoch != _epoch)
        {
            throw await LostAsync($"its epoch is {(string?)await epoch ?? "none"}, not {_epoch}");
        }

        if ((long?)await lastId is var last && (last ?? 0) < highest)
        {
            throw await LostAsync($"its newest id is {last ?? 0}, below {highest} which this node has seen");
        }

        var mark = acked is null ? null : (string?)await acked ?? "0-0";
        var read = new List<StoredMessage>(entries.Length);
        foreach (var entry in entries)
        {
            if (mark is not null && After(entry.Id!, mark))
            {
                // Not yet on the replicas asked for: its release will say so.
                break;
            }

            var message = Parse(entry);
            read.Add(message);
            Seen(message.Id);
            _position = entry.Id!;
        }

        return read;
    }

    // A publication of the append script: the log's end before it, then each entry's id and fields. When it follows
    // this node's position, its entries (and the position moves past them); when this node has them already, none;
    // null when there is a gap (a publication was missed), to be filled by ReadAfterAsync.
    public IReadOnlyList<StoredMessage>? Follow(ReadOnlySpan<byte> publication)
    {
        var reader = new Utf8JsonReader(publication);
        if (!_positioned || _replayUpTo is not null || Volatile.Read(ref _reposition) == 1 || !reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read())
        {
            return null;
        }

        var previous = reader.GetString()!;
        var entries = new List<StoredMessage>();
        var values = new NameValueEntry[PublishedFields.Length];
        var any = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            any = true;
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

            var message = ToMessage(id, values);
            entries.Add(message);
            Seen(message.Id);
            _position = previous = id;
        }

        // A bare release (["?"]): entries this node has not had, to be read.
        return any ? entries : null;
    }

    public async ValueTask<IReadOnlyList<StoredMessage>> RoomAsync(string room, long afterId, long beforeId, int limit)
    {
        var upper = beforeId == long.MaxValue ? "+" : "(" + beforeId.ToString(CultureInfo.InvariantCulture) + "-0";
        var lower = afterId <= 0 ? "-" : "(" + afterId.ToString(CultureInfo.InvariantCulture) + "-0";
        StreamEntry[] inRoom;
        StreamEntry[] announced;
        try
        {
            var roomRead = Database.StreamRangeAsync(RoomKey(room), lower, upper, limit, Order.Descending);
            var announcements = Database.StreamRangeAsync(AnnouncementsKey, lower, upper, limit, Order.Descending);
            inRoom = await roomRead;
            announced = await announcements;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }

        var messages = inRoom
            .Concat(announced)
            .Select(Parse)
            .OrderByDescending(message => message.Id)
            .Take(limit)
            .ToList();
        messages.Reverse();
        return messages;
    }

    // Each nickname's private lines are a stream of their own (written with the log), read a page at a time; with a
    // peer, those with others are passed over.
    public async ValueTask<IReadOnlyList<StoredMessage>> PrivateAsync(string nick, string? peer, long afterId, long beforeId, int limit, bool forward = false)
    {
        var upper = beforeId == long.MaxValue ? "+" : "(" + beforeId.ToString(CultureInfo.InvariantCulture) + "-0";
        var lower = afterId <= 0 ? "-" : "(" + afterId.ToString(CultureInfo.InvariantCulture) + "-0";
        var found = new List<StoredMessage>();
        try
        {
            while (found.Count < limit)
            {
                var page = await Database.StreamRangeAsync(PrivateKey(nick), lower, upper, SearchWords.Page, forward ? Order.Ascending : Order.Descending);
                found.AddRange(page.Select(Parse).Where(message => peer is null || message.IsBetween(nick, peer)).Take(limit - found.Count));
                if (page.Length < SearchWords.Page)
                {
                    break;
                }

                if (forward)
                {
                    lower = "(" + page[^1].Id;
                }
                else
                {
                    upper = "(" + page[^1].Id;
                }
            }
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }

        if (!forward)
        {
            found.Reverse();
        }

        return found;
    }

    public async ValueTask<IReadOnlyDictionary<string, string>> AccountStateAsync(string account)
    {
        try
        {
            return (await Database.HashGetAllAsync(AccountKey(account))).ToDictionary(entry => entry.Name.ToString(), entry => entry.Value.ToString(), StringComparer.Ordinal);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    public async ValueTask SaveAccountStateAsync(string account, string key, string value)
    {
        try
        {
            await Database.HashSetAsync(AccountKey(account), key, value);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    public async ValueTask<IReadOnlyList<StoredMessage>> RoomForwardAsync(string room, long afterId, long beforeId, int limit)
    {
        var upper = beforeId == long.MaxValue ? "+" : "(" + beforeId.ToString(CultureInfo.InvariantCulture) + "-0";
        var lower = afterId <= 0 ? "-" : "(" + afterId.ToString(CultureInfo.InvariantCulture) + "-0";
        try
        {
            var roomRead = Database.StreamRangeAsync(RoomKey(room), lower, upper, limit);
            var announcements = Database.StreamRangeAsync(AnnouncementsKey, lower, upper, limit);
            return [.. (await roomRead).Concat(await announcements).Select(Parse).OrderBy(message => message.Id).Take(limit)];
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    // Redis 7 has no text index (RediSearch is a module Debian's lacks): a search reads the shared log, newest first,
    // as the other stores read theirs (SearchWords.Scan at most), and matches here; it costs nothing per message stored.
    public async ValueTask<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<string> rooms, string nick, IReadOnlyList<string> words, long beforeId, int limit)
    {
        var inRooms = new HashSet<string>(rooms, StringComparer.OrdinalIgnoreCase);
        var found = new List<StoredMessage>();
        var upper = beforeId == long.MaxValue ? "+" : "(" + beforeId.ToString(CultureInfo.InvariantCulture) + "-0";
        try
        {
            for (var scanned = 0; scanned < SearchWords.Scan && found.Count < limit;)
            {
                var page = await Database.StreamRangeAsync(LogKey, "-", upper, SearchWords.Page, Order.Descending);
                if (page.Length == 0)
                {
                    break;
                }

                scanned += page.Length;
                foreach (var message in page.Select(Parse))
                {
                    var mine = message.Kind switch
                    {
                        MessageKind.Room or MessageKind.Notice => message.Room is { } room && inRooms.Contains(room),
                        MessageKind.Private or MessageKind.PrivateNotice => string.Equals(message.From, nick, StringComparison.OrdinalIgnoreCase) || string.Equals(message.To, nick, StringComparison.OrdinalIgnoreCase),
                        _ => false,
                    };
                    if (mine && SearchWords.Matches(message.Text, words) && found.Count < limit)
                    {
                        found.Add(message);
                    }
                }

                upper = "(" + page[^1].Id;
            }
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }

        return found;
    }

    // A search by halves of the shared log's ids (its entries are in time order, timed by Redis): a few dozen reads
    // at most, for a history request by time.
    public async ValueTask<long> IdAtAsync(DateTimeOffset time)
    {
        var wanted = time.ToUnixTimeMilliseconds();
        try
        {
            var last = (long?)await Database.StringGetAsync(LastIdKey) ?? 0;

            // The smallest id whose first entry at or after it is timed at or after the time.
            long low = 1;
            var high = last + 1;
            while (low < high)
            {
                var middle = low + ((high - low) / 2);
                if (await FirstFromAsync(middle) is not { } entry || (long)entry["ts"] >= wanted)
                {
                    high = middle;
                }
                else
                {
                    low = IdOf(entry) + 1;
                }
            }

            return await FirstFromAsync(low) is { } first ? IdOf(first) : last + 1;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    private async Task<StreamEntry?> FirstFromAsync(long id) =>
        await Database.StreamRangeAsync(LogKey, id.ToString(CultureInfo.InvariantCulture) + "-0", "+", 1) is [var entry] ? entry : null;

    private static long IdOf(StreamEntry entry)
    {
        var id = (string)entry.Id!;
        return long.Parse(id[..id.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    // Redis could not be reached or did not answer in time: not a fault of the caller's.
    public static bool IsRedisFailure(Exception exception) => exception is RedisException or TimeoutException;

    public async ValueTask<IdentityRecord?> FindIdentityAsync(string token)
    {
        HashEntry[] entries;
        try
        {
            entries = await Database.HashGetAllAsync($"{Prefix}identity:{token}");
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }

        var fields = entries.ToDictionary(field => field.Name.ToString(), field => field.Value);
        return fields.Count == 0
            ? null
            : new IdentityRecord(token, fields["nick"]!, fields["room"]!, DateTimeOffset.FromUnixTimeMilliseconds((long)fields["seen"]));
    }

    public int Prune(DateTimeOffset? before, int? maxPerRoom)
    {
        var removed = 0;
        var server = Connection.GetServers().First(server => server.IsConnected);
        foreach (var key in server.Keys(pattern: Prefix + "room:*").Concat(server.Keys(pattern: Prefix + "private:*")).Append(AnnouncementsKey))
        {
            if (before is { } cutoff)
            {
                removed += (int)Database.StreamTrimByMinId(key, FirstAtOrAfter(key, cutoff));
            }

            if (maxPerRoom is { } keep && key != AnnouncementsKey && !key.ToString().StartsWith(Prefix + "private:", StringComparison.Ordinal))
            {
                removed += (int)Database.StreamTrim(key, keep);
            }
        }

        return removed;
    }

    // The newest entry's message id (a presence entry carries the id of the message before it).
    public async ValueTask<long> HeadAsync()
    {
        var end = await LogEndAsync();
        return long.Parse(end[..end.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    public IReadOnlyList<StoredMessage> Moderation() => ModerationAsync("+").GetAwaiter().GetResult();

    // The snapshot, if one is kept, then the moderation entries after it up to upTo (a stream id, or + for all).
    private async Task<List<StoredMessage>> ModerationAsync(RedisValue upTo)
    {
        var found = new List<StoredMessage>();
        var snapshot = await Database.HashGetAsync(SnapshotKey, ["up_to", "ts", "rules"]);
        var after = "-";
        if (snapshot[0].HasValue && (long)snapshot[0] is var kept)
        {
            found.Add(ModerationRecord.SnapshotEntry(kept, DateTimeOffset.FromUnixTimeMilliseconds((long)snapshot[1]), snapshot[2]!));
            after = "(" + kept.ToString(CultureInfo.InvariantCulture) + "-0";
        }

        found.AddRange((await Database.StreamRangeAsync(ModerationKey, after, upTo)).Select(Parse));
        return found;
    }

    public async ValueTask SaveModerationSnapshotAsync(long upTo, string rules)
    {
        try
        {
            await (_writer ?? Connection).GetDatabase().ScriptEvaluateAsync(
                SnapshotScript, [SnapshotKey, ModerationKey], [upTo, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), rules]);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    public IEnumerable<StoredMessage> Export(string room, DateTimeOffset since) =>
        Database.StreamRange(RoomKey(room), "-", "+").Select(Parse).Where(message => message.Timestamp >= since);

    public void Dispose()
    {
        _writer?.Dispose();
        _redis?.Dispose();
        _watch?.Dispose();
    }

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

    private static string PrivateKey(string nick) => $"{Prefix}private:{nick.ToLowerInvariant()}";

    private static string AccountKey(string account) => $"{Prefix}account:{account.ToLowerInvariant()}";

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
            _epoch = (string?)await Database.ScriptEvaluateAsync(AdoptScript, [EpochKey, LastIdKey], [string.Empty, NewEpoch(), 0]);
            _position = await LogEndAsync();
            _replayUpTo = _position;
            Volatile.Write(ref _highest, await LastIdAsync());
            _positioned = true;
            positioning.SetResult();
        }
        catch (Exception ex)
        {
            positioning.SetException(ex);
        }
    }

    // The log was not the one this node follows (Redis flushed, restarted empty, restored from an older copy): take
    // the new one, from its start, ids continuing above any this node has seen; the exception says what was found.
    private async Task<LogLostException> LostAsync(string found)
    {
        // A primary the Sentinels do not name (an old one started again, until they make it a replica) is no new log:
        // where they say the primary is, the log is still this node's; the node waits for them.
        await EnsurePrimaryAsync();
        if (await NamedPrimaryKeepsTheLogAsync() is { } named)
        {
            throw new StoreUnavailableException($"a Redis that is not the primary the Sentinels name ({named}) answered with another log ({found}): waiting until they make it a replica");
        }

        var before = _epoch;
        var floor = Volatile.Read(ref _highest);
        Volatile.Write(ref _reposition, 1);
        _epoch = (string?)await Database.ScriptEvaluateAsync(AdoptScript, [EpochKey, LastIdKey], [before ?? string.Empty, NewEpoch(), floor]);
        Volatile.Write(ref _lostUpTo, floor);
        return new LogLostException($"the cluster's log in Redis at {Location} is not the one this node knows: {found}; Redis lost its data or went back to an older copy. This node now follows the new log (epoch {_epoch}), its ids continuing after {floor}; what was stored and not delivered before is gone");
    }

    // With Sentinel: the primary the Sentinels name, when its log is still the one this node follows (its epoch, its ids
    // not behind what this node has seen); null otherwise, or without Sentinel.
    private async Task<string?> NamedPrimaryKeepsTheLogAsync()
    {
        try
        {
            if (_watch is null || _redis is null || await _watch.NamedPrimaryAsync() is not { } named || SentinelWatch.ServerAt(_redis, named) is not { IsConnected: true } server)
            {
                return null;
            }

            var epoch = (string?)await server.ExecuteAsync("GET", EpochKey);
            var lastId = (long?)await server.ExecuteAsync("GET", LastIdKey) ?? 0;
            return epoch == _epoch && lastId >= Volatile.Read(ref _highest) ? SentinelWatch.Text(named) : null;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            return null;
        }
    }

    // With Sentinel: unavailable while a primary this node is connected to is not the one the Sentinels name.
    private async Task EnsurePrimaryAsync()
    {
        if (_watch is not null && _redis is not null)
        {
            try
            {
                if (await _watch.ProblemAsync(_redis, _writer) is { } problem)
                {
                    throw new StoreUnavailableException(problem);
                }
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                // The Sentinels cannot be asked: the node's own checks (epoch, ids) still stand.
            }
        }
    }

    private void Seen(long id)
    {
        long highest;
        while (id > (highest = Volatile.Read(ref _highest)) && Interlocked.CompareExchange(ref _highest, id, highest) != highest)
        {
        }
    }

    // A draft's key among this process's own: the number the log gave it when it was queued, kept across retries;
    // one appended without the log (a tool, a test) gets one here, from another series.
    private string Field(Draft draft) => draft.Sequence != 0
        ? draft.Sequence.ToString(CultureInfo.InvariantCulture)
        : "u" + Interlocked.Increment(ref _unnumbered).ToString(CultureInfo.InvariantCulture);

    private static string NewEpoch() => Guid.NewGuid().ToString("N");

    private async Task<long> LastIdAsync() => (long?)await Database.StringGetAsync(LastIdKey) ?? 0;

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
