using SocketChat.Server.Cluster;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// Two nodes given one name by mistake.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class NodeNameTests
{
    [Fact]
    public async Task SecondNodeWithTheSameName_RefusedAtStart_NamingTheHolder_TheFirstGoesOn()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await ClusterTests.StartNodeAsync(redis, new() { ["Chat:NodeName"] = "twin" });

        var refused = await Assert.ThrowsAsync<StorageException>(() => ClusterTests.StartNodeAsync(redis, new() { ["Chat:NodeName"] = "twin" }));

        Assert.Matches(
            $@"^Chat:NodeName=twin is in use by another node \(run twin:[0-9a-f]{{12}} on {Environment.MachineName}, process {Environment.ProcessId}\); give each node a name of its own$",
            refused.Message);
        Assert.Equal(2, ((SocketChat.Hosting.Options.IReportedAtStartup)refused).ExitCode);
        await using var alice = await first.ConnectAsAsync("alice");
        await alice.SendAsync("/ping");
        Assert.Equal("* pong", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task NameGivenBackAtStop_ARestartUnderItStartsAtOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await (await ClusterTests.StartNodeAsync(redis, new() { ["Chat:NodeName"] = "again" })).DisposeAsync();

        await using var restarted = await ClusterTests.StartNodeAsync(redis, new() { ["Chat:NodeName"] = "again" });

        await using var alice = await restarted.ConnectAsAsync("alice");
    }

    // Under one name, each process still knows its own lines from the other's: a line is never dropped as "mine".
    [Fact]
    public async Task TwoStoresUnderOneNodeName_EachReadsTheOthersLineAsNotItsOwn()
    {
        await using var redis = await RedisServer.StartAsync();
        using var a = new RedisMessageStore(redis.Configuration, "twin", requireAtStart: true);
        using var b = new RedisMessageStore(redis.Configuration, "twin", requireAtStart: true);
        a.Open();
        b.Open();

        await a.AppendAsync([new Draft(MessageKind.Room, "lobby", "alice", null, "from a", Origin: 7)], DateTimeOffset.UtcNow, []);

        var read = Assert.Single(await b.ReadAfterAsync(10));
        Assert.Equal("from a", read.Text);
        Assert.False(read.Local);
        Assert.True(Assert.Single(await a.ReadAfterAsync(10)).Local);
    }
}
