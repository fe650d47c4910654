using SocketChat.Server.Cluster;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// The lost-log check against the node's own appends: a read of the log's newest id that left before an append and
// is looked at after it must not be taken for a log that went backwards.
[Trait("Category", "Slow")]
public sealed class LostLogRaceTests
{
    [Fact]
    public async Task ReadingTheTail_WhileThisNodeAppends_NeverFindsTheLogLost()
    {
        await using var redis = await RedisServer.StartAsync();
        using var store = new RedisMessageStore(redis.Configuration, "race-node", requireAtStart: true, storeClock: false);
        store.Open();
        var now = DateTimeOffset.UtcNow;

        var appending = Task.Run(async () =>
        {
            for (var n = 0; n < 3000; n++)
            {
                await store.AppendAsync([new Draft(MessageKind.Room, "lobby", "alice", null, $"line {n}")], now, []);
            }
        });
        var read = 0;
        while (!appending.IsCompleted)
        {
            read += (await store.ReadAfterAsync(64)).Count;
        }

        await appending;
        while (read < 3000)
        {
            read += (await store.ReadAfterAsync(64).AsTask().WaitAsync(TestTimeouts.Default)).Count;
        }

        Assert.Equal(3000, read);
        Assert.Equal(0, store.LostUpTo);
    }

    // A replica promoted without the last writes keeps the log's epoch but its ids end below what the nodes handed
    // out: the next append finds it (never giving an id twice), says so, and ids go on above what was seen.
    [Fact]
    public async Task LogWentBack_ItsIdsBelowWhatThisNodeSaw_FoundAtTheNextAppend_IdsContinueAbove()
    {
        await using var redis = await RedisServer.StartAsync();
        using var store = new RedisMessageStore(redis.Configuration, "behind-node", requireAtStart: true, storeClock: false);
        store.Open();
        var now = DateTimeOffset.UtcNow;
        var first = await store.AppendAsync([Say("one"), Say("two"), Say("three")], now, []);
        Assert.Equal([1L, 2L, 3L], first.Select(appended => appended.Message.Id));

        // What a replica that missed the last two would hold: the same epoch, the counter and log at the first.
        using (var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            var database = admin.GetDatabase();
            await database.StringSetAsync("socketchat:lastid", 1);
            await database.StreamTrimAsync("socketchat:log", 1);
        }

        var lost = await Assert.ThrowsAsync<LogLostException>(async () => await store.AppendAsync([Say("four")], now, []));
        Assert.Contains("its ids end at 1, below the 3 this node has seen", lost.Message, StringComparison.Ordinal);
        var after = await store.AppendAsync([Say("four")], now, []);
        Assert.Equal(4, after.Single().Message.Id);
        Assert.Equal(3, store.LostUpTo);
    }

    private static Draft Say(string text) => new(MessageKind.Room, "lobby", "alice", null, text);
}
