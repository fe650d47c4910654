using System.Globalization;
using SocketChat.Client.Tests.Infrastructure;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Session;

// Chat:Servers: the client tries a cluster's servers in turn, and moves to another when its own goes.
public sealed class ClusterFailoverTests
{
    [Fact]
    public async Task ServerList_FirstUnreachable_NextTriedAtOnce_ItsNodeStops_ResumesOnAnother_NothingLostOrDoubled()
    {
        await using var redis = await RedisServer.StartAsync();
        var a = await StartNodeAsync(redis);
        await using var b = await StartNodeAsync(redis);
        await using var bob = await b.ConnectAsAsync("bob");
        var dead = FreePort.Pick();
        var servers = string.Join(',', new[] { dead, a.Port, b.Port }.Select(port => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));

        await using var client = await ClientHarness.StartAsync(a.Port, new() { ["Chat:Servers"] = servers });
        await client.Console.WaitForOutputAsync(line => line.StartsWith($"* cannot connect to 127.0.0.1:{dead}: ", StringComparison.Ordinal) && line.EndsWith($"; trying 127.0.0.1:{a.Port}", StringComparison.Ordinal));
        await client.Console.WaitForOutputAsync(line => line.StartsWith($"* connected to 127.0.0.1:{a.Port} as ", StringComparison.Ordinal));
        await client.Console.WaitForOutputAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));
        await client.TypeAsync("before");
        Assert.Equal("alice: before", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));

        // Its node goes away; lines typed meanwhile wait, and arrive once, from the next server.
        await a.DisposeAsync();
        await client.TypeAsync("after one");
        await client.TypeAsync("after two");
        await client.Console.WaitForOutputAsync(line => line == "* reconnected as alice in lobby");

        Assert.Equal(["alice: after one", "alice: after two"], [
            await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)),
            await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)),
        ]);
        await client.TypeAsync("/who");
        await client.Console.WaitForOutputAsync(line => line == "* lobby (2): alice, bob");
    }

    private static Task<TestServer> StartNodeAsync(RedisServer redis) =>
        TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:Storage:Provider"] = "Redis",
            ["Chat:Storage:Redis"] = redis.Configuration,
            ["Chat:Storage:RequireAtStart"] = "true",
        });
}
