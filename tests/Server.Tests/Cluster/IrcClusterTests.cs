using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

public sealed class IrcClusterTests
{
    [Fact]
    public async Task IrcUserOnNodeA_NcUserOnNodeB_OneRoom_LinesBothWaysOnce_NamesWhoisAndNicksAcrossTheCluster()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis, new() { ["Chat:Irc:Port"] = "0" });
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var bob = await b.ConnectAsAsync("bob");
        await using var irc = await a.ConnectIrcAsync("alice", "echo-message");
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());

        await irc.SendAsync("PRIVMSG #lobby :from node a");
        Assert.Equal(":alice!alice@socketchat PRIVMSG #lobby :from node a", await irc.ReadLineAsync());
        Assert.Equal("alice: from node a", await bob.ReadLineAsync());
        await bob.SendAsync("from node b");
        Assert.Equal(":bob!bob@socketchat PRIVMSG #lobby :from node b", await irc.ReadLineAsync());
        await bob.SendAsync("/msg alice privately from b");
        Assert.Equal(":bob!bob@socketchat PRIVMSG alice :privately from b", await irc.ReadLineAsync());
        Assert.Equal("* private to alice: privately from b", await bob.ReadLineAsync());
        await irc.SendAsync("PRIVMSG bob :privately from a");
        Assert.Equal(":alice!alice@socketchat PRIVMSG bob :privately from a", await irc.ReadLineAsync());
        Assert.Equal("[private] alice: privately from a", await bob.ReadLineAsync());

        await irc.SendAsync("NAMES #lobby");
        Assert.Equal([":socketchat 353 alice = #lobby :alice bob", ":socketchat 366 alice #lobby :End of /NAMES list."], await irc.ReadLinesAsync(2));
        await irc.SendAsync("WHOIS bob");
        Assert.Equal(
            [
                ":socketchat 311 alice bob bob socketchat * :bob",
                ":socketchat 312 alice bob socketchat :on another server of this cluster",
                ":socketchat 318 alice bob :End of /WHOIS list.",
            ],
            await irc.ReadLinesAsync(3));
        await irc.SendAsync("NICK BOB");
        Assert.Equal(":socketchat 433 alice BOB :Nickname is already in use", await irc.ReadLineAsync());

        // An IRC newcomer on A taking bob's name is refused too, and registers under another.
        await using var second = await TestClient.ConnectAsync(a.IrcPort);
        await second.SendAsync("NICK bob");
        await second.SendAsync("USER bob 0 * :bob");
        Assert.Equal(":socketchat 433 * bob :Nickname is already in use", await second.ReadLineAsync());
    }

    // AWAY and SETNAME go through the log like everything else: an IRC user on another node sharing a channel (and
    // its capability) is told, once, however many channels they share; one sharing none is not.
    [Fact]
    public async Task AwayAndSetName_OnNodeA_ToldToSharersOnNodeB_OnceEach()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis, new() { ["Chat:Irc:Port"] = "0" });
        await using var b = await ClusterTests.StartNodeAsync(redis, new() { ["Chat:Irc:Port"] = "0" });
        await using var alice = await a.ConnectIrcAsync("alice", "setname", join: "#den,#dev");
        await using var bob = await b.ConnectIrcAsync("bob", "away-notify setname", join: "#den,#dev");
        await bob.ExpectAsync(line => line.Contains(" 366 bob #dev ", StringComparison.Ordinal));
        await using var carol = await b.ConnectIrcAsync("carol", "away-notify setname", join: "#elsewhere");
        await alice.ExpectAsync(line => line.EndsWith("JOIN #dev", StringComparison.Ordinal) && line.StartsWith(":bob", StringComparison.Ordinal));

        await alice.SendAsync("AWAY :at lunch");
        Assert.Equal(":alice!alice@socketchat AWAY :at lunch", await bob.ReadLineAsync());
        await alice.SendAsync("SETNAME :Alice Liddell");
        Assert.Equal(":alice!alice@socketchat SETNAME :Alice Liddell", await bob.ReadLineAsync());
        await alice.SendAsync("PRIVMSG #den :back soon");
        Assert.Equal(":alice!alice@socketchat PRIVMSG #den :back soon", await bob.ReadLineAsync());
        await carol.SendAsync("PING :nothing for me");
        Assert.Equal(":socketchat PONG socketchat :nothing for me", await carol.ReadLineAsync());
    }
}
