using StackExchange.Redis;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Cluster;

// Nicknames and members in Redis. A nickname is a key holding its owner and spelling, set only if free or already
// the owner's, with a lease (Lease) its node renews; a room's members are a sorted set scored by when
// each membership lapses. A node that dies stops renewing: its users' names and memberships go within a lease.
// Every time here is Redis's own (TIME in the scripts), never a node's: a node whose clock is wrong must not
// make memberships lapse early, late or never for the whole cluster.
internal sealed class RedisNames(RedisMessageStore store) : INameRegistry
{
    // How long a claim or membership lasts without being renewed.
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private const string NickPrefix = RedisMessageStore.Prefix + "nick:";
    private const string MembersPrefix = RedisMessageStore.Prefix + "members:";
    private const string GuestsKey = RedisMessageStore.Prefix + "guests";

    private const string ClaimScript = """
        local held = redis.call('GET', KEYS[1])
        if held and string.sub(held, 1, #ARGV[1] + 1) ~= ARGV[1] .. '\n' then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[1] .. '\n' .. ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    private const string ReleaseScript = """
        local held = redis.call('GET', KEYS[1])
        if held and string.sub(held, 1, #ARGV[1] + 1) == ARGV[1] .. '\n' then
          redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private const string RenewScript = """
        for i = 1, #KEYS do
          local held = redis.call('GET', KEYS[i])
          if held and string.sub(held, 1, #ARGV[i] + 1) == ARGV[i] .. '\n' then
            redis.call('PEXPIRE', KEYS[i], ARGV[#ARGV])
          end
        end
        return 0
        """;

    // A room's members renewed, and those whose lease lapsed taken out and returned (but for the renewed ones): the
    // server that takes them out is the one that tells the cluster, so each departure is told once.
    private const string MembersScript = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local renewed = {}
        for i = 2, #ARGV do renewed[ARGV[i]] = true end
        local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i]) end
        local gone = {}
        for _, member in ipairs(lapsed) do
          if not renewed[member] then gone[#gone + 1] = member end
        end
        return gone
        """;

    // Out of one room (ARGV[2] = 1) and into another (ARGV[3] = 1), lapsing a lease from now.
    private const string MoveScript = """
        if ARGV[2] == '1' then redis.call('ZREM', KEYS[1], ARGV[1]) end
        if ARGV[3] == '1' then
          local clock = redis.call('TIME')
          redis.call('ZADD', KEYS[2], tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + tonumber(ARGV[4]), ARGV[1])
        end
        return 0
        """;

    // The members whose lease has not lapsed.
    private const string PresentScript = """
        local clock = redis.call('TIME')
        return redis.call('ZRANGEBYSCORE', KEYS[1], tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000), '+inf')
        """;

    public bool Shared => true;

    private IDatabase Database => store.Connection.GetDatabase();

    // For what a connection waits on (a name, a lookup): asked only while Redis answers, since a command to an
    // unreachable Redis waits out its timeout before failing, and a newcomer would sit on a silent socket meanwhile.
    // What fails there is said as the store being unavailable: the connection waiting on it names no Redis type.
    private IDatabase Answering => store.Reachable
        ? Database
        : throw new StoreUnavailableException($"cannot reach Redis at {store.Location}");

    public async ValueTask<string?> ClaimGuestAsync(string owner)
    {
        while (true)
        {
            long number;
            try
            {
                number = await Answering.StringIncrementAsync(GuestsKey);
            }
            catch (Exception ex) when (RedisMessageStore.IsRedisFailure(ex))
            {
                throw new StoreUnavailableException(ex.Message, ex);
            }

            var nick = $"guest{number}";
            if (await TryClaimAsync(nick, owner))
            {
                return nick;
            }
        }
    }

    public async ValueTask<bool> TryClaimAsync(string nick, string owner)
    {
        try
        {
            return (int)await Answering.ScriptEvaluateAsync(ClaimScript, [NickKey(nick)], [owner, nick, (long)Lease.TotalMilliseconds]) == 1;
        }
        catch (Exception ex) when (RedisMessageStore.IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    public void Release(string nick, string owner) =>
        Database.ScriptEvaluate(ReleaseScript, [NickKey(nick)], [owner], CommandFlags.FireAndForget);

    public async ValueTask<string?> FindAsync(string nick)
    {
        try
        {
            return await Answering.StringGetAsync(NickKey(nick)) is { HasValue: true } held ? held.ToString()[(held.ToString().IndexOf('\n', StringComparison.Ordinal) + 1)..] : null;
        }
        catch (Exception ex) when (RedisMessageStore.IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    public async ValueTask<string[]?> MembersAsync(string room)
    {
        RedisResult present;
        try
        {
            present = await Answering.ScriptEvaluateAsync(PresentScript, [MembersKey(room)]);
        }
        catch (Exception ex) when (RedisMessageStore.IsRedisFailure(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }

        var members = ((RedisValue[])present!).Select(member => member.ToString()).ToArray();
        Array.Sort(members, StringComparer.OrdinalIgnoreCase);
        return members;
    }

    public void Moved(string nick, string? left, string? room) =>
        Database.ScriptEvaluate(
            MoveScript,
            [MembersKey(left ?? room!), MembersKey(room ?? left!)],
            [nick, left is null ? 0 : 1, room is null ? 0 : 1, (long)Lease.TotalMilliseconds],
            CommandFlags.FireAndForget);

    public async Task<IReadOnlyList<(string Room, string Nick)>> RenewAsync(IReadOnlyList<(string Nick, string Owner, string[] Rooms)> held)
    {
        if (held.Count == 0)
        {
            return [];
        }

        var database = Database;
        await database.ScriptEvaluateAsync(
            RenewScript,
            [.. held.Select(entry => NickKey(entry.Nick))],
            [.. held.Select(entry => (RedisValue)entry.Owner), (long)Lease.TotalMilliseconds]);
        var rooms = held.SelectMany(entry => entry.Rooms.Select(room => (entry.Nick, Room: room))).GroupBy(entry => entry.Room, StringComparer.OrdinalIgnoreCase).ToList();
        var lapsed = await Task.WhenAll(rooms.Select(room => database.ScriptEvaluateAsync(
            MembersScript,
            [MembersKey(room.Key)],
            [(long)Lease.TotalMilliseconds, .. room.Select(entry => (RedisValue)entry.Nick)])));
        return [.. rooms.Zip(lapsed).SelectMany(pair => ((RedisValue[])pair.Second!).Select(nick => (pair.First.First().Room, nick.ToString())))];
    }

    private static RedisKey NickKey(string nick) => NickPrefix + nick.ToLowerInvariant();

    private static RedisKey MembersKey(string room) => MembersPrefix + room.ToLowerInvariant();

}
