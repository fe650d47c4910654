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

    [Fact]
    public async Task SubscriptionCut_WhileAppendsSucceed_TheNodeIsUnhealthyUntilCaughtUp_EveryLineOnceInOrder()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        await using var b = await ClusterTests.StartNodeAsync(redis, new() { ["Chat:Web:Port"] = "0" });
        await using var alice = await a.ConnectAsAsync("alice");
        await using var bob = await b.ConnectAsAsync("bob");
        await using var probe = await b.ConnectAsync();
        await probe.ReadLineAsync();
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(redis.Configuration);
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        var health = new Uri(b.WebUrl, "/health");
        Assert.Equal("healthy\n", await http.GetStringAsync(health));

        // The subscriptions cut, and not allowed back (the ACL denies SUBSCRIBE, not the append script's PUBLISH):
        // appends still succeed, B reads the log every second instead, and says it is late.
        await server.ExecuteAsync("ACL", "SETUSER", "default", "-subscribe", "-psubscribe", "-ssubscribe");
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        var said = new List<string>();
        string? unhealthy = null;
        for (var i = 0; unhealthy is null; i++)
        {
            Assert.True(i < 100, "never unhealthy while its subscription was cut");
            said.Add($"alice: line {i}");
            await alice.SendAsync($"line {i}");
            Assert.Equal(said[^1], await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
            await probe.SendAsync("/ping");
            var pong = await probe.ExpectAsync(line => line.StartsWith("* pong", StringComparison.Ordinal));
            unhealthy = pong.StartsWith("* pong; unhealthy: ", StringComparison.Ordinal) ? pong : null;
        }

        Assert.Matches(@"^\* pong; unhealthy: the log's publications have not been arriving for [\d.]+ s; reading the log every second instead$", unhealthy);
        using (var answer = await http.GetAsync(health))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.StartsWith("unhealthy: the log's publications have not been arriving for ", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Allowed back, and every connection cut once more (not only those subscribed: one whose SUBSCRIBE the ACL
        // refused is not, and Redis's client may keep it, unsubscribed, as its subscription connection), so the
        // subscription is made again.
        await server.ExecuteAsync("ACL", "SETUSER", "default", "+@all");
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");

        Assert.Contains(b.Log.Events, e => e.MessageTemplate.Text.StartsWith("Delivery is late", StringComparison.Ordinal));

        // Subscribed again and caught up: healthy, the probe and /health alike.
        await alice.SendAsync("after the cuts");
        Assert.Equal("alice: after the cuts", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        try
        {
            await b.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Delivery keeps up again", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // What Redis and B said meanwhile, for whoever reads the failure.
            throw new TimeoutException("B never kept up again; Redis's clients:\n" + (string?)await server.ExecuteAsync("CLIENT", "LIST")
                + "\nits log:\n" + string.Join('\n', b.Log.Events.Where(e => !e.MessageTemplate.Text.StartsWith("Message", StringComparison.Ordinal)).TakeLast(40).Select(e => $"{e.Timestamp:HH:mm:ss.fff} {e.RenderMessage()}")));
        }
        await probe.SendAsync("/ping");
        Assert.Equal("* pong", await probe.ExpectAsync(line => line.StartsWith("* pong", StringComparison.Ordinal)));
        Assert.Equal("healthy\n", await http.GetStringAsync(health));
    }

    // A node whose reader falls behind the log by more than the bound is unhealthy until it has read to the end:
    // a full batch of entries a minute old put straight into the log (as a node stalled that long would find them).
    [Fact]
    public async Task ReaderBehindTheLogByMoreThanTheBound_UnhealthyUntilCaughtUp()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var bob = await b.ConnectAsAsync("bob");
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = direct.GetDatabase();
        var first = (long)await database.StringGetAsync("socketchat:lastid") + 1;
        var old = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        const int Count = 8192 + 1;
        var batch = database.CreateBatch();
        var adds = Enumerable.Range(0, Count).Select(i => batch.StreamAddAsync("socketchat:log", [
            new("k", 0), new("r", "lobby"), new("f", "ghost"), new("t", ""), new("x", $"old {i}"), new("ts", old), new("tk", ""), new("c", ""), new("o", ""),
        ], $"{first + i}-0")).ToList();
        batch.Execute();
        await Task.WhenAll(adds);
        await database.StringSetAsync("socketchat:lastid", first + Count - 1);

        // Told of it by a bare publication, as a release says it: B reads the log.
        await direct.GetSubscriber().PublishAsync(RedisChannel.Literal("socketchat:log"), """["?"]""");
        Assert.Equal($"ghost: old {Count - 1}", await bob.ExpectAsync(line => line == $"ghost: old {Count - 1}"));
        var late = await b.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Delivery is late", StringComparison.Ordinal));
        Assert.Equal("\"this node's reader has fallen behind the log\"", late.Properties["Reason"].ToString());
        await b.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Delivery keeps up again", StringComparison.Ordinal));
        await using var probe = await b.ConnectAsync();
        await probe.SendAsync("/ping");
        Assert.Equal("* pong", await probe.ExpectAsync(line => line.StartsWith("* pong", StringComparison.Ordinal)));
    }

    private static long Calls(IGrouping<string, KeyValuePair<string, string>>[] info, string command) =>
        info.SelectMany(group => group)
            .Where(pair => pair.Key == $"cmdstat_{command}")
            .Select(pair => long.Parse(pair.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
}
