using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// Nodes whose clocks are wrong (two hours either way): the cluster keeps Redis's time.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class ClusterClockTests
{
    [Fact]
    public async Task NodesTwoHoursAheadAndBehind_WhoListsEveryoneEverywhere_MessageTimesAreRedis_TheSkewIsWarnedOf()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var ahead = await StartSkewedAsync(redis, TimeSpan.FromHours(2));
        await using var behind = await StartSkewedAsync(redis, TimeSpan.FromHours(-2));
        await using var right = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await ahead.ConnectAsAsync("alice");
        await using var carol = await behind.ConnectAsAsync("carol");
        await using var bob = await JsonModeTests.ConnectJsonAsync(right, "bob");

        foreach (var (node, client) in new[] { (ahead, alice), (behind, carol) })
        {
            await client.SendAsync("/who");
            Assert.Equal("* lobby (3): alice, bob, carol", await client.ExpectAsync(line => line.StartsWith("* lobby (", StringComparison.Ordinal)));
        }

        await bob.SendAsync("""{"type":"who","cid":"w"}""");
        var who = await bob.ExpectAsync(line => line.Contains("\"type\":\"who\"", StringComparison.Ordinal));
        Assert.Contains("\"nicks\":[\"alice\",\"bob\",\"carol\"]", who, StringComparison.Ordinal);

        await alice.SendAsync("from two hours ahead");
        var said = JsonDocument.Parse(await bob.ExpectAsync(line => line.Contains("from two hours ahead", StringComparison.Ordinal))).RootElement;
        var time = DateTimeOffset.Parse(said.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture);
        Assert.True((time - DateTimeOffset.UtcNow).Duration() < TimeSpan.FromMinutes(1), $"stamped {time:O}");

        await ahead.Log.WaitForAsync(e => e.RenderMessage().StartsWith("This node's clock is 7200 s \"ahead of\" Redis's", StringComparison.Ordinal));
        await behind.Log.WaitForAsync(e => e.RenderMessage().StartsWith("This node's clock is 7200 s \"behind\" Redis's", StringComparison.Ordinal));
        Assert.DoesNotContain(right.Log.Events, e => e.MessageTemplate.Text.StartsWith("This node's clock is", StringComparison.Ordinal));
    }

    private static Task<TestServer> StartSkewedAsync(RedisServer redis, TimeSpan offset) =>
        TestServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Chat:Storage:Provider"] = "Redis",
                ["Chat:Storage:Redis"] = redis.Configuration,
                ["Chat:Storage:RequireAtStart"] = "true",
            },
            services => services.AddSingleton<TimeProvider>(new ShiftedClock(offset)));

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
