using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

/// <summary>Several servers pointed at one Redis: one chat.</summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task TwoNodes_LineSaidOnOne_HeardOnTheOther_ExactlyOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis);
        await using var b = await StartNodeAsync(redis);
        await using var alice = await a.ConnectAsAsync("alice");
        await using var bob = await b.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* bob joined lobby" || line == "* guest1 is now known as bob");

        await alice.SendAsync("hello from a");
        await bob.SendAsync("hello from b");

        Assert.Equal("alice: hello from a", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        Assert.Equal("bob: hello from b", await alice.ExpectAsync(line => line.StartsWith("bob:", StringComparison.Ordinal)));
    }

    internal static Task<TestServer> StartNodeAsync(RedisServer redis, Dictionary<string, string?>? more = null) =>
        TestServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Chat:Storage:Provider"] = "Redis",
                ["Chat:Storage:Redis"] = redis.Configuration,
                ["Chat:Storage:RequireAtStart"] = "true",
            },
            more);
}
