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
}
