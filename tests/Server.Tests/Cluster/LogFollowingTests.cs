using StackExchange.Redis;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// How nodes learn what the others appended: from the append script's publication when it follows their position,
// from the log itself when one was missed.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class LogFollowingTests
{
    [Fact]
    public async Task LinesReachTheOtherNodes_WithoutAReadOfTheLogPerLine()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var c = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await a.ConnectAsAsync("alice");
        await using var bob = await b.ConnectAsAsync("bob");
        await using var carol = await c.ConnectAsAsync("carol");
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(redis.Configuration);
        await server.ConfigResetStatisticsAsync();

        for (var i = 0; i < 60; i++)
        {
            await alice.SendAsync($"line {i}");
            Assert.Equal($"alice: line {i}", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
            Assert.Equal($"alice: line {i}", await carol.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        }

        // Each node reads the log only when it has had no publication for a second (or missed one): with a read per
        // line per node, as each node once did, this would be 180 or more.
        var reads = Calls(await server.InfoAsync("commandstats"), "xrange");
        Assert.True(reads < 30, $"{reads} reads of the log for 60 lines on three nodes");
    }

    [Fact]
    public async Task PublicationsMissed_TheNodeReadsTheLog_AndDeliversEveryLineOnceInOrder()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await a.ConnectAsAsync("alice");
        await using var bob = await b.ConnectAsAsync("bob");
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(redis.Configuration);

        // Every subscription connection is cut while alice talks: publications of her lines are lost on the way
        // to B (and A) until they subscribe again.
        var said = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            if (i % 10 == 0)
            {
                await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
            }

            said.Add($"alice: line {i}");
            await alice.SendAsync($"line {i}");
        }

        var heard = new List<string>();
        while (heard.Count < said.Count)
        {
            heard.Add(await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        }

        Assert.Equal(said, heard);
        await bob.SendAsync("/who");
        Assert.Equal("* lobby (2): alice, bob", await bob.ExpectAsync(line => line.StartsWith("* lobby", StringComparison.Ordinal)));
    }

    private static long Calls(IGrouping<string, KeyValuePair<string, string>>[] info, string command) =>
        info.SelectMany(group => group)
            .Where(pair => pair.Key == $"cmdstat_{command}")
            .Select(pair => long.Parse(pair.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
}
