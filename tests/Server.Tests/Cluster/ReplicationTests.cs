using StackExchange.Redis;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// Chat:Storage:WaitForReplicas: acknowledged means replicated. A primary and a replica of the test's own; the
// replica stopped in its tracks (SIGSTOP) holds acknowledgements back, and they come once it has the lines.
[Trait("Category", "Slow")]
public sealed class ReplicationTests
{
    [Fact]
    public async Task WaitForReplicas_ALineIsAcknowledgedOnlyOnceTheReplicaHasIt_ZeroAcknowledgesAtOnce()
    {
        await using var primary = await RedisServer.StartAsync();
        await using var replica = await RedisServer.StartReplicaAsync(primary);
        await using var waiting = await ClusterTests.StartNodeAsync(primary, new() { ["Chat:Storage:WaitForReplicas"] = "1" });
        await using var alice = await JsonModeTests.ConnectJsonAsync(waiting, "alice");
        await alice.SendAsync("""{"type":"message","text":"replicated","cid":"c1"}""");
        Assert.Matches("""^\{"type":"ack","cid":"c1","id":\d+,"ts":"[^"]+"\}$""", await alice.ExpectAsync(line => line.Contains("\"ack\"", StringComparison.Ordinal)));

        // The replica stalls: the line goes into the primary's log but is not acknowledged; users are told messages
        // are delayed.
        await replica.PauseAsync();
        await alice.SendAsync("""{"type":"message","text":"held back","cid":"c2"}""");
        Assert.Equal("""{"type":"notice","code":"store_failing","text":"messages are delayed: the server cannot store them right now"}""",
            await alice.ExpectAsync(line => line.Contains("\"notice\"", StringComparison.Ordinal) || line.Contains("\"ack\"", StringComparison.Ordinal)));

        // Going on, it gets the line: acknowledged once, with its one id, and the replica has it.
        await replica.ResumeAsync();
        var ack = await alice.ExpectAsync(line => line.Contains("\"ack\"", StringComparison.Ordinal));
        Assert.Matches("""^\{"type":"ack","cid":"c2","id":\d+,"ts":"[^"]+"\}$""", ack);
        using (var copy = await ConnectionMultiplexer.ConnectAsync(replica.Configuration))
        {
            var log = await copy.GetDatabase().StreamRangeAsync("socketchat:log");
            Assert.Single(log, entry => entry.Values.Any(field => field.Name == "x" && field.Value == "held back"));
        }

        // Without it, what the primary took is acknowledged at once, the replica stalled or not.
        await using var eager = await ClusterTests.StartNodeAsync(primary);
        await using var bob = await JsonModeTests.ConnectJsonAsync(eager, "bob");
        await replica.PauseAsync();
        try
        {
            await bob.SendAsync("""{"type":"message","text":"not replicated","cid":"b1"}""");
            Assert.Matches("""^\{"type":"ack","cid":"b1","id":\d+,"ts":"[^"]+"\}$""", await bob.ExpectAsync(line => line.Contains("\"ack\"", StringComparison.Ordinal)));
        }
        finally
        {
            await replica.ResumeAsync();
        }
    }
    // A presence entry whose batch is tried again while the replica stalls is added once, so it is shown once.
    [Fact]
    public async Task WaitForReplicas_APresenceTriedAgainWhileTheReplicaStalls_IsShownOnce()
    {
        await using var primary = await RedisServer.StartAsync();
        await using var replica = await RedisServer.StartReplicaAsync(primary);
        await using var node = await ClusterTests.StartNodeAsync(primary, new() { ["Chat:Storage:WaitForReplicas"] = "1" });
        await using var bob = await node.ConnectAsAsync("bob");
        await using var alice = await node.ConnectAsAsync("alice");
        await bob.ExpectAsync(line => line == "* alice is now known as alice" || line.EndsWith("is now known as alice", StringComparison.Ordinal));

        // The replica stalls for three seconds (the batch is tried once a second meanwhile) while alice leaves.
        await replica.PauseAsync();
        await alice.SendAsync("/join elsewhere");
        await node.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Could not store", StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await replica.ResumeAsync();

        // Back: what bob is shown up to her return is her leaving, once.
        await alice.SendAsync("/join lobby");
        var shown = new List<string>();
        while (shown.LastOrDefault() != "* alice joined lobby")
        {
            shown.Add(await bob.ExpectAsync(line => line.StartsWith("* alice", StringComparison.Ordinal)));
        }

        Assert.Equal(["* alice left lobby", "* alice joined lobby"], shown);

        // And the log holds each of her presence entries once: a batch tried again adds an entry again with only its
        // time (Redis's, at each try) changed, which the readers pass over but the log should not hold.
        using var direct = await ConnectionMultiplexer.ConnectAsync(primary.Configuration);
        var presence = (await direct.GetDatabase().StreamRangeAsync("socketchat:log"))
            .Where(entry => entry["k"] == "3" && entry["f"] == "alice")
            .Select(entry => string.Join('|', entry.Values.Where(field => field.Name != "ts").Select(field => $"{field.Name}={field.Value}")))
            .ToList();
        Assert.NotEmpty(presence);
        Assert.Equal(presence.Distinct().Count(), presence.Count);
    }
}
