using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// A node that goes: the other nodes' rooms hear its users leave, whether it stopped or died.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class NodeDepartureTests
{
    [Fact]
    public async Task NodeStopped_TheOtherNodesRoomsHearItsUsersLeave()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var bob = await b.ConnectAsAsync("bob");
        var a = await ClusterTests.StartNodeAsync(redis);
        await using (var alice = await a.ConnectAsAsync("alice"))
        {
            await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));
            await a.DisposeAsync();
        }

        Assert.Equal("* alice left lobby", await bob.ExpectAsync(line => line.StartsWith("* alice", StringComparison.Ordinal)));
        await bob.SendAsync("/who");
        Assert.Equal("* lobby (1): bob", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task NodeKilled_WhenItsLeasesLapse_TheOtherNodesRoomsHearItsUsersLeave_Once()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var c = await ClusterTests.StartNodeAsync(redis);
        await using var bob = await b.ConnectAsAsync("bob");
        await using var carol = await c.ConnectAsAsync("carol");
        await bob.ExpectAsync(line => line.EndsWith(" is now known as carol", StringComparison.Ordinal));
        await using var a = ChildProcess.StartServer([
            "--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:OperatorConsole=Off",
            "--Chat:Storage:Provider=Redis", $"--Chat:Storage:Redis={redis.Configuration}", "--Chat:Storage:RequireAtStart=true",
        ]);
        await using var alice = await TestClient.ConnectAsync(await a.ReadListeningPortAsync());
        await alice.ReadLineAsync();
        await alice.SendAsync("/nick alice");
        await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));
        await carol.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));

        await a.SignalAsync("KILL");

        // A lease (30 s) after its last renewal, and within a renewal (10 s) of that.
        var limit = TimeSpan.FromSeconds(50);
        Assert.Equal("* alice left lobby", await bob.ReadLineAsync(limit));
        Assert.Equal("* alice left lobby", await carol.ReadLineAsync(limit));
        await bob.SendAsync("/ping");
        Assert.Equal("* pong", await bob.ReadLineAsync());
        await carol.SendAsync("/ping");
        Assert.Equal("* pong", await carol.ReadLineAsync());
    }
}
