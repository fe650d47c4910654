using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// One order across nodes: a line is judged at its place in the shared log, so a ban or mute set on one node stops
// every line of its target that follows it in the log, on every node, however fast the target speaks on another.
[Trait("Category", "Slow")]
public sealed class ClusterOrderTests
{
    // Finding 4: an operator on node A banned (or muted) a user speaking every ~10 ms on node B, and in 6 of 10 rounds
    // lines of the user with ids above the ban entry were acknowledged and delivered.
    [Fact]
    public async Task BanOrMuteOnA_OfAUserSpeakingOnB_NoLineAfterItInTheLogIsDeliveredAnywhere()
    {
        await using var redis = await RedisServer.StartAsync();
        // Twenty restrictions and lifts in a few seconds: the pace moderation is kept to is not what is tested here.
        var unpaced = new Dictionary<string, string?> { ["Chat:Limits:ModerationPerMinute"] = "0" };
        await using var a = await ClusterTests.StartNodeAsync(redis, unpaced);
        await using var b = await ClusterTests.StartNodeAsync(redis, unpaced);
        await using var alice = await a.ConnectAsAsync("alice");
        await alice.SendAsync("/join den");
        await alice.SendAsync("/who");
        await alice.ExpectAsync(line => line == "* den (1): ~alice");
        await using var watcherOnA = await JoinJsonAsync(a, "wa");
        await using var watcherOnB = await JoinJsonAsync(b, "wb");
        await using var mallory = await b.ConnectAsAsync("mallory");
        await mallory.SendAsync("/join den");
        await alice.ExpectAsync(line => line == "* mallory joined den");

        for (var round = 0; round < 10; round++)
        {
            var (restrict, lift) = round % 2 == 0 ? ("ban", "unban") : ("mute", "unmute");

            using var stop = new CancellationTokenSource();
            var speaking = SpeakAsync(mallory, round, stop.Token);
            await watcherOnA.ExpectAsync(line => line.Contains($"\"from\":\"mallory\",\"text\":\"r{round} ", StringComparison.Ordinal));
            await alice.SendAsync($"/{restrict} mallory");
            await alice.ExpectAsync(line => line.StartsWith($"* alice {(restrict == "ban" ? "banned" : "muted")} mallory!*@*", StringComparison.Ordinal));
            await Task.Delay(100);
            await stop.CancelAsync();
            await speaking;
            await alice.SendAsync($"end of round {round}");

            foreach (var watcher in new[] { watcherOnA, watcherOnB })
            {
                var seen = await ReadRoundAsync(watcher, round);
                var restriction = seen.FindIndex(entry => entry.Action == restrict);
                Assert.True(restriction >= 0, $"round {round}: the {restrict} was not seen");
                var after = seen.Skip(restriction + 1).Where(entry => entry.From == "mallory").ToList();
                Assert.True(after.Count == 0, $"round {round}: {after.Count} of mallory's lines delivered after the {restrict} (ids {string.Join(", ", after.Select(entry => entry.Id))}, the {restrict} {seen[restriction].Id})");
                Assert.All(seen.Where(entry => entry.From == "mallory"), entry => Assert.True(entry.Id < seen[restriction].Id));
            }

            await alice.SendAsync($"/{lift} mallory");
            await alice.ExpectAsync(line => line.StartsWith(restrict == "ban" ? "* alice lifted the ban on mallory" : "* alice unmuted mallory", StringComparison.Ordinal));
            if (restrict == "ban")
            {
                // The ban removed her from the room: she comes back.
                await mallory.SendAsync("/join den");
                await alice.ExpectAsync(line => line == "* mallory joined den");
            }
        }
    }

    // mallory's lines, r{round} 0, 1, 2, … every 5 ms until stopped; what she is told is read and dropped.
    private static async Task SpeakAsync(TestClient mallory, int round, CancellationToken stop)
    {
        var draining = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested && await mallory.ReadLineAsync(TimeSpan.FromMilliseconds(500)) is not null)
                {
                }
            }
            catch (TimeoutException)
            {
            }
        }, CancellationToken.None);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await mallory.SendAsync($"r{round} {n}");
            await Task.Delay(5, CancellationToken.None);
        }

        await draining;
    }

    // What watcher was sent up to alice's end-of-round line: (id, from, action) of each message and moderation.
    private static async Task<List<(long Id, string? From, string? Action)>> ReadRoundAsync(TestClient watcher, int round)
    {
        var seen = new List<(long Id, string? From, string? Action)>();
        while (true)
        {
            using var document = JsonDocument.Parse((await watcher.ReadLineAsync())!);
            var root = document.RootElement;
            var type = root.GetProperty("type").GetString();
            if (type == "message" && root.GetProperty("text").GetString() == $"end of round {round}")
            {
                return seen;
            }

            if (type is "message" or "moderation")
            {
                seen.Add((
                    root.GetProperty("id").GetInt64(),
                    type == "message" ? root.GetProperty("from").GetString() : null,
                    type == "moderation" ? root.GetProperty("action").GetString() : null));
            }
        }
    }

    private static async Task<TestClient> JoinJsonAsync(TestServer server, string nick)
    {
        var client = await JsonModeTests.ConnectJsonAsync(server, nick);
        await client.SendAsync("""{"type":"join","room":"den"}""");
        await client.ExpectAsync(line => line.Contains($"\"nick\":\"{nick}\",\"action\":\"join\"", StringComparison.Ordinal));
        return client;
    }
}
