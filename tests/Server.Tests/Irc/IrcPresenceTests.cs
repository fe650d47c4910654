using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

// IRCv3 presence as clients expect it: away-notify, setname, WHOX.
public sealed class IrcPresenceTests
{
    private static Task<TestServer> StartAsync() => TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });

    [Fact]
    public async Task AwayNotify_AndSetname_ToWhoSharesAChannelAndAskedForIt()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", "setname", join: "#lobby");
        await using var bob = await server.ConnectIrcAsync("bob", "away-notify setname", join: "#lobby");
        await using var carol = await server.ConnectIrcAsync("carol", join: "#lobby");
        await alice.ExpectAsync(line => line == ":carol!carol@socketchat JOIN #lobby");
        await bob.ExpectAsync(line => line == ":carol!carol@socketchat JOIN #lobby");

        await alice.SendAsync("AWAY :at lunch");
        Assert.Equal(":socketchat 306 alice :You have been marked as being away", await alice.ReadLineAsync());
        Assert.Equal(":alice!alice@socketchat AWAY :at lunch", await bob.ReadLineAsync());
        await alice.SendAsync("AWAY");
        Assert.Equal(":alice!alice@socketchat AWAY", await bob.ExpectAsync(line => line.Contains("AWAY", StringComparison.Ordinal)));

        await alice.SendAsync("SETNAME :Alice Liddell");
        Assert.Equal(":alice!alice@socketchat SETNAME :Alice Liddell", await alice.ExpectAsync(line => line.Contains("SETNAME", StringComparison.Ordinal)));
        Assert.Equal(":alice!alice@socketchat SETNAME :Alice Liddell", await bob.ReadLineAsync());
        await bob.SendAsync("WHOIS alice");
        Assert.Equal(":socketchat 311 bob alice alice socketchat * :Alice Liddell", await bob.ReadLineAsync());
        await alice.SendAsync("SETNAME :");
        Assert.Equal(":socketchat FAIL SETNAME INVALID_REALNAME :Real name is empty", await alice.ReadLineAsync());
        await carol.SendAsync("SETNAME :Carol");
        Assert.Equal(":socketchat 421 carol SETNAME :Unknown command (negotiate setname first)", await carol.ExpectAsync(line => line.Contains(" 421 ", StringComparison.Ordinal)));

        // Carol asked for neither: she is told of none of it.
        await carol.SendAsync("PING :end");
        Assert.Equal(":socketchat PONG socketchat :end", await carol.ReadLineAsync());
    }

    [Fact]
    public async Task ExtendedJoin_AGuestHasNoAccount_RealNameAsGiven_NcUsersByTheirNickname()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", "extended-join", join: null);
        await alice.SendAsync("JOIN #lobby");
        Assert.Equal(":alice!alice@socketchat JOIN #lobby * :alice", await alice.ReadLineAsync());
        await using var bob = await server.ConnectAsAsync("bob");
        await bob.SendAsync("/join lobby");
        await using var carol = await TestClient.ConnectAsync(server.IrcPort);
        await carol.SendAsync("NICK carol");
        await carol.SendAsync("USER c 0 * :Carol Real");
        await carol.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
        await carol.SendAsync("JOIN #lobby");
        Assert.Equal(":carol!carol@socketchat JOIN #lobby * :Carol Real", await alice.ExpectAsync(line => line.StartsWith(":carol", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Whox_TheFieldsAskedFor_InWhoxsOrder_WithTheToken()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: "#den");
        await using var bob = await server.ConnectAsAsync("bob");
        await bob.SendAsync("/join den");
        await alice.ExpectAsync(line => line == ":bob!bob@socketchat JOIN #den");

        await alice.SendAsync("WHO #den %rnfcat,42");
        Assert.Equal(
            [
                ":socketchat 354 alice 42 #den alice H~ 0 :alice",
                ":socketchat 354 alice 42 #den bob H 0 :bob",
                ":socketchat 315 alice #den :End of /WHO list.",
            ],
            await alice.ReadLinesAsync(3));
    }
}
