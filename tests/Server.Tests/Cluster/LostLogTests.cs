using System.Text.Json;
using StackExchange.Redis;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// Redis loses its data under a running cluster (FLUSHALL, as a restart with an empty directory would).
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class LostLogTests
{
    [Fact]
    public async Task RedisFlushed_NodesFindTheLogLost_SayWhatTheyFound_FollowTheNewLog_LinesAfterDeliveredOnceWithHigherIds()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await JsonModeTests.ConnectJsonAsync(a, "alice");
        await using var bob = await b.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line.Contains("\"bob\"", StringComparison.Ordinal) && line.Contains("rename", StringComparison.Ordinal));
        var before = 0L;
        for (var n = 0; n < 5; n++)
        {
            await alice.SendAsync($$"""{"type":"message","cid":"b{{n}}","text":"before {{n}}"}""");
            before = JsonDocument.Parse(await alice.ExpectAsync(line => line.Contains("\"type\":\"ack\"", StringComparison.Ordinal))).RootElement.GetProperty("id").GetInt64();
            Assert.Equal($"alice: before {n}", await bob.ReadLineAsync());
        }

        using (var admin = await ConnectionMultiplexer.ConnectAsync($"{redis.Configuration},allowAdmin=true"))
        {
            await admin.GetServers()[0].FlushAllDatabasesAsync();
        }

        await alice.SendAsync("""{"type":"message","cid":"a0","text":"after"}""");

        // Acknowledged only in the new log, with an id above every one given before; delivered once.
        var ack = JsonDocument.Parse(await alice.ExpectAsync(line => line.Contains("\"type\":\"ack\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("a0", ack.GetProperty("cid").GetString());
        Assert.True(ack.GetProperty("id").GetInt64() > before, $"id {ack.GetProperty("id").GetInt64()} after {before}");
        var seen = new List<string>();
        while (seen.LastOrDefault() != "alice: after")
        {
            seen.Add(await bob.ReadLineAsync(TimeSpan.FromSeconds(20)) ?? throw new InvalidOperationException("bob was dropped"));
        }

        Assert.Single(seen, line => line == "alice: after");
        await a.Log.WaitForAsync(e => e.Level == Serilog.Events.LogEventLevel.Error
            && e.RenderMessage().Contains("is not the one this node knows: its epoch is none, not ", StringComparison.Ordinal));
        Assert.Contains("* the server's store lost its recent data: the last messages sent before now may be gone, and history has a gap", seen);

        // Nothing is stuck: the next line goes through at once, both ways.
        await bob.SendAsync("and back");
        await alice.ExpectAsync(line => line.Contains("and back", StringComparison.Ordinal));
    }
}
