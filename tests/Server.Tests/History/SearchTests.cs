using SocketChat.Server.Tests.Cluster;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.History;

// Search from every protocol: every word, in the asker's rooms and its own private lines, never another room.
public sealed class SearchTests
{
    [Fact]
    public async Task Search_TextJsonAndIrc_FindTheRoomsLinesAndTheirPrivateOnes_NeverAnotherRoom()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var bob = await server.ConnectAsAsync("bob");
        await using var carol = await server.ConnectAsAsync("carol");
        await carol.SendAsync("/join dev");
        await carol.ExpectAsync(line => line == "* carol joined dev");
        await carol.SendAsync("the deploy is done in dev");
        await bob.SendAsync("the Deploy starts at noon");
        await bob.SendAsync("lunch first");
        await bob.SendAsync("/msg carol deploy secrets");
        await bob.SendAsync("deploying later, deploy again");
        await server.WaitUntilStoredAsync("deploying later, deploy again");

        await bob.SendAsync("/search deploy");
        Assert.Matches(@"^\[found\] #lobby \S+Z bob: deploying later, deploy again \(id \d+\)$", await bob.ExpectAsync(line => line.StartsWith("[found]", StringComparison.Ordinal)));
        Assert.Matches(@"^\[found\] \[private bob -> carol\] \S+Z bob: deploy secrets \(id \d+\)$", await bob.ReadLineAsync());
        Assert.Matches(@"^\[found\] #lobby \S+Z bob: the Deploy starts at noon \(id \d+\)$", await bob.ReadLineAsync());
        Assert.Equal("* 3 found for \"deploy\"", await bob.ReadLineAsync());
        await bob.SendAsync("/search ...");
        Assert.Equal("! error: a search needs a word (letters or digits)", await bob.ReadLineAsync());

        await using var json = await JsonModeTests.ConnectJsonAsync(server, "dave");
        await json.SendAsync("""{"type":"search","text":"deploy noon","cid":"s"}""");
        Assert.Matches("""^\{"type":"found","id":\d+,"ts":"[^"]+","room":"lobby","from":"bob","text":"the Deploy starts at noon","cid":"s"\}$""", await json.ExpectAsync(line => line.Contains("\"found\"", StringComparison.Ordinal)));
        Assert.Equal("""{"type":"search_end","text":"deploy noon","count":1,"cid":"s"}""", await json.ReadLineAsync());
        await json.SendAsync("""{"type":"search","text":"deploy","limit":0,"cid":"x"}""");
        Assert.Equal("""{"type":"error","code":"bad_arguments","message":"\"limit\" must be from 1 to 100; \"before\" a message id","cid":"x"}""", await json.ReadLineAsync());

        // IRC soju.im/search: one batch, oldest first; a channel it is not in is refused.
        await using var irc = await server.ConnectIrcAsync("erin", "soju.im/search batch message-tags", join: "#lobby");
        await irc.SendAsync("SEARCH text=deploy;in=#lobby;limit=2");
        Assert.Matches(@"^:socketchat BATCH \+(\S+) soju.im/search$", await irc.ExpectAsync(line => line.Contains("BATCH", StringComparison.Ordinal)));
        Assert.Matches(@"^@batch=\S+;msgid=\d+ :bob!bob@socketchat PRIVMSG #lobby :the Deploy starts at noon$", await irc.ReadLineAsync());
        Assert.Matches(@"^@batch=\S+;msgid=\d+ :bob!bob@socketchat PRIVMSG #lobby :deploying later, deploy again$", await irc.ReadLineAsync());
        Assert.Matches(@"^:socketchat BATCH -\S+$", await irc.ReadLineAsync());
        await irc.SendAsync("SEARCH text=deploy;in=#dev");
        Assert.Equal(":socketchat FAIL SEARCH INVALID_PARAMS :You are not on #dev", await irc.ReadLineAsync());
        await irc.SendAsync("SEARCH in=#lobby");
        Assert.StartsWith(":socketchat FAIL SEARCH INVALID_PARAMS :Expected SEARCH text=WORDS", await irc.ReadLineAsync());
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Search_InACluster_FindsWhatAnotherNodeStored()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await a.ConnectAsAsync("alice");
        await using var bob = await b.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line.EndsWith("is now known as bob", StringComparison.Ordinal));
        await bob.SendAsync("/join dev");
        await bob.SendAsync("hidden deploy");
        await bob.SendAsync("/join lobby");
        await bob.SendAsync("the deploy went well");
        Assert.Equal("bob: the deploy went well", await alice.ExpectAsync(line => line.StartsWith("bob: ", StringComparison.Ordinal)));

        await alice.SendAsync("/search deploy");
        Assert.Matches(@"^\[found\] #lobby \S+Z bob: the deploy went well \(id \d+\)$", await alice.ExpectAsync(line => line.StartsWith("[found]", StringComparison.Ordinal)));
        Assert.Equal("* 1 found for \"deploy\"", await alice.ReadLineAsync());
    }
}
