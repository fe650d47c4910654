using SocketChat.Server.Tests.Cluster;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Moderating;

// Moderation in a cluster: every node applies the same entries in the log's order, so a ban set on one node keeps a
// user out on another at once, a topic set anywhere is told everywhere, a kick removes its target wherever it is, and
// a node (or Redis) restarted after a ban still knows it.
[Trait("Category", "Slow")]
public sealed class ClusterModerationTests
{
    [Fact]
    public async Task BanOnA_RefusesOnB_TopicOnB_ShownOnC_KickFromA_RemovesOnC_RestartedNodeStillRefuses()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        var b = await ClusterTests.StartNodeAsync(redis);
        await using var c = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await a.ConnectAsAsync("alice");
        await alice.SendAsync("/join den");
        await alice.SendAsync("/who");
        await alice.ExpectAsync(line => line == "* den (1): ~alice");

        await using (var bob = await b.ConnectAsAsync("bob"))
        {
            await using var carol = await c.ConnectAsAsync("carol");
            await bob.SendAsync("/join den");
            await alice.ExpectAsync(line => line == "* bob joined den");
            await carol.SendAsync("/join den");
            await alice.ExpectAsync(line => line == "* carol joined den");
            await using var mallory = await b.ConnectAsAsync("mallory");

            // Alice (on a) bans; mallory, on b, is refused as soon as alice has seen it done.
            await alice.SendAsync("/ban mallory");
            await alice.ExpectAsync(line => line == "* alice banned mallory!*@* from den");
            await mallory.SendAsync("/join den");
            Assert.Equal("! error: you are banned from den", await mallory.ExpectAsync(line => line.StartsWith('!')));

            // Bob, made an operator on a, sets the topic on b; a newcomer on c is told it.
            await alice.SendAsync("/op bob");
            await bob.ExpectAsync(line => line == "* alice made bob an operator of den");
            await bob.SendAsync("/topic Set on b");
            Assert.Equal("* bob set the topic of den: Set on b", await carol.ExpectAsync(line => line.Contains("topic", StringComparison.Ordinal)));
            await using var dave = await c.ConnectAsAsync("dave");
            await dave.SendAsync("/join den");
            await dave.ExpectAsync(line => line == "* dave joined den");
            Assert.Equal("* topic of den: Set on b (set by bob)", await dave.ReadLineAsync());

            // Kicked from a, carol on c is out of the room.
            await alice.SendAsync("/kick carol bye");
            Assert.Equal("* carol was kicked from den by alice: bye", await carol.ExpectAsync(line => line.Contains("kicked", StringComparison.Ordinal)));
            await carol.SendAsync("still?");
            Assert.Equal("! error: you are in no room: /join ROOM first", await carol.ExpectAsync(line => line.StartsWith('!')));
            await alice.SendAsync("/who");
            Assert.Equal("* den (3): ~alice, @bob, dave; topic: Set on b", await alice.ExpectAsync(line => line.StartsWith("* den (", StringComparison.Ordinal)));
        }

        // A node started after the ban knows it; so does one started after Redis restarted (from its append-only file).
        await b.DisposeAsync();
        await using (var restarted = await ClusterTests.StartNodeAsync(redis))
        {
            await using var mallory = await restarted.ConnectAsAsync("mallory");
            await mallory.SendAsync("/join den");
            Assert.Equal("! error: you are banned from den", await mallory.ExpectAsync(line => line.StartsWith('!')));
        }

        await redis.KillAsync();
        await redis.RestartAsync();
        await using var later = await ClusterTests.StartNodeAsync(redis);
        await using var again = await later.ConnectAsAsync("mallory");
        await again.SendAsync("/join den");
        Assert.Equal("! error: you are banned from den", await again.ExpectAsync(line => line.StartsWith('!')));
        await again.SendAsync("/join elsewhere");
        await again.ExpectAsync(line => line == "* mallory joined elsewhere");
    }

    [Fact]
    public async Task IrcKickOnA_OfAnNcUserOnB_AndAServerWideKillAcrossNodes()
    {
        await using var redis = await RedisServer.StartAsync();
        var operatorHash = SocketChat.Server.Accounts.PasswordHasher.Hash("opensesame");
        await using var a = await ClusterTests.StartNodeAsync(redis, new() { ["Chat:Irc:Port"] = "0", ["Chat:Operators:root"] = operatorHash });
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await a.ConnectIrcAsync("alice", join: "#den");
        await using var bob = await b.ConnectAsAsync("bob");
        await bob.SendAsync("/join den");
        await alice.ExpectAsync(line => line == ":bob!bob@socketchat JOIN #den");

        await alice.SendAsync("KICK #den bob :not here");
        Assert.Equal("* bob was kicked from den by alice: not here", await bob.ExpectAsync(line => line.Contains("kicked", StringComparison.Ordinal)));
        await alice.ExpectAsync(line => line == ":alice!alice@socketchat KICK #den bob :not here");

        await alice.SendAsync("OPER root opensesame");
        await alice.ExpectAsync(line => line.Contains(" 381 ", StringComparison.Ordinal));
        await alice.SendAsync("KILL bob :go away");
        Assert.Equal("! error: killed by alice: go away", await bob.ExpectAsync(line => line.StartsWith('!')));
        await bob.DrainUntilClosedAsync();
    }
}
