using SocketChat.Server.Accounts;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Moderating;

// Moderation from IRC, seen by nc and JSON users in the same rooms, and theirs seen on IRC.
public sealed class IrcModerationTests
{
    private static readonly Lazy<string> OperatorHash = new(() => PasswordHasher.Hash("opensesame"));

    private static Task<TestServer> StartAsync(Dictionary<string, string?>? more = null) =>
        TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" }, more);

    [Fact]
    public async Task ChannelCreatorOwnsIt_TopicAndKick_ReachNcAndJson_NonOperatorGets482()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: null);
        await alice.SendAsync("JOIN #den");
        Assert.Equal(
            [":alice!alice@socketchat JOIN #den", ":socketchat 353 alice = #den :~alice", ":socketchat 366 alice #den :End of /NAMES list."],
            await alice.ReadLinesAsync(3));
        await using var bob = await server.ConnectAsAsync("bob");
        await bob.SendAsync("/join den");
        await alice.ExpectAsync(line => line == ":bob!bob@socketchat JOIN #den");

        await alice.SendAsync("TOPIC #den :Dens are for dreaming");
        Assert.Equal(":alice!alice@socketchat TOPIC #den :Dens are for dreaming", await alice.ReadLineAsync());
        Assert.Equal("* alice set the topic of den: Dens are for dreaming", await bob.ExpectAsync(line => line.Contains("topic", StringComparison.Ordinal)));
        await alice.SendAsync("TOPIC #den");
        Assert.Equal(":socketchat 332 alice #den :Dens are for dreaming", await alice.ReadLineAsync());
        Assert.Matches(@"^:socketchat 333 alice #den alice \d+$", await alice.ReadLineAsync());

        // A JSON client joining is told the topic; /who shows the owner's mark and the topic.
        await using var carol = await JsonModeTests.ConnectJsonAsync(server, "carol");
        await carol.SendAsync("""{"type":"join","room":"den"}""");
        Assert.Matches("""^\{"type":"topic","room":"den","text":"Dens are for dreaming","by":"alice","set_at":"[0-9T:.-]+Z"\}$""", await carol.ExpectAsync(line => line.Contains("\"topic\"", StringComparison.Ordinal)));
        await carol.SendAsync("""{"type":"who","cid":"w"}""");
        Assert.Equal("""{"type":"who","room":"den","nicks":["alice","bob","carol"],"roles":{"alice":"owner"},"topic":"Dens are for dreaming","cid":"w"}""", await carol.ExpectAsync(line => line.Contains("\"who\"", StringComparison.Ordinal)));

        // Bob (nc) is no operator; on IRC a non-operator gets 482.
        await using var dave = await server.ConnectIrcAsync("dave", join: "#den");
        await dave.SendAsync("TOPIC #den :mine");
        Assert.Equal(":socketchat 482 dave #den :You're not channel operator", await dave.ReadLineAsync());
        await dave.SendAsync("KICK #den bob");
        Assert.Equal(":socketchat 482 dave #den :You're not channel operator", await dave.ReadLineAsync());
        await dave.SendAsync("MODE #den +m");
        Assert.Equal(":socketchat 482 dave #den :You're not channel operator", await dave.ReadLineAsync());
        await dave.SendAsync("KICK #den nobody");
        Assert.Equal(":socketchat 441 dave nobody #den :They aren't on that channel", await dave.ReadLineAsync());

        await alice.SendAsync("KICK #den bob :spamming");
        await alice.ExpectAsync(line => line == ":alice!alice@socketchat KICK #den bob :spamming");
        Assert.Equal("* bob was kicked from den by alice: spamming", await bob.ExpectAsync(line => line.Contains("kicked", StringComparison.Ordinal)));
        Assert.Equal(":alice!alice@socketchat KICK #den bob :spamming", await dave.ReadLineAsync());
        Assert.Matches("""^\{"type":"moderation","id":\d+,"ts":"[^"]+","room":"den","by":"alice","action":"kick","target":"bob","text":"spamming"\}$""", await carol.ExpectAsync(line => line.Contains("\"kick\"", StringComparison.Ordinal)));
        await alice.SendAsync("NAMES #den");
        Assert.Equal(":socketchat 353 alice = #den :~alice carol dave", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task BanListMuteAndModes_AsIrcSaysThem_EnforcedOnNcAndIrc()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", "multi-prefix", join: "#den");
        await using var bob = await server.ConnectAsAsync("bob");
        await bob.SendAsync("/join den");
        await alice.ExpectAsync(line => line == ":bob!bob@socketchat JOIN #den");
        await using var dave = await server.ConnectIrcAsync("dave", join: "#den");
        await alice.ExpectAsync(line => line == ":dave!dave@socketchat JOIN #den");

        // A ban on IRC bans (the member stays, and cannot speak); a mute is +b m:MASK.
        await alice.SendAsync("MODE #den +b dave");
        Assert.Equal(":alice!alice@socketchat MODE #den +b dave!*@*", await alice.ReadLineAsync());
        Assert.Equal(":alice!alice@socketchat MODE #den +b dave!*@*", await dave.ReadLineAsync());
        await dave.SendAsync("PRIVMSG #den :hello?");
        Assert.Equal(":socketchat 404 dave #den :Cannot send to channel (you are banned from den and cannot speak in it)", await dave.ReadLineAsync());
        await dave.SendAsync("PART #den");
        await dave.ExpectAsync(line => line == ":dave!dave@socketchat PART #den");
        await dave.SendAsync("JOIN #den");
        Assert.Equal(":socketchat 474 dave #den :Cannot join channel (+b)", await dave.ReadLineAsync());

        await alice.SendAsync("MODE #den +b m:bob");
        Assert.Equal(":alice!alice@socketchat MODE #den +b m:bob!*@*", await alice.ExpectAsync(line => line.Contains("m:bob", StringComparison.Ordinal)));
        await bob.SendAsync("can I?");
        Assert.Equal("! error: you are muted in den", await bob.ExpectAsync(line => line.StartsWith('!')));
        await alice.SendAsync("MODE #den +b");
        Assert.Matches(@"^:socketchat 367 alice #den dave!\*@\* alice \d+$", await alice.ReadLineAsync());
        Assert.Matches(@"^:socketchat 367 alice #den m:bob!\*@\* alice \d+$", await alice.ReadLineAsync());
        Assert.Equal(":socketchat 368 alice #den :End of channel ban list", await alice.ReadLineAsync());

        await alice.SendAsync("MODE #den +v bob");
        Assert.Equal(":alice!alice@socketchat MODE #den +v bob", await alice.ReadLineAsync());
        await alice.SendAsync("MODE #den +mk sesame");
        Assert.Equal(":alice!alice@socketchat MODE #den +m", await alice.ReadLineAsync());
        Assert.Equal(":alice!alice@socketchat MODE #den +k sesame", await alice.ReadLineAsync());
        await alice.SendAsync("MODE #den");
        Assert.Equal(":socketchat 324 alice #den +mntk sesame", await alice.ReadLineAsync());
        await alice.SendAsync("NAMES #den");
        Assert.Equal(":socketchat 353 alice = #den :~@alice +bob", await alice.ReadLineAsync());
        await alice.SendAsync("MODE #den +x");
        Assert.Equal(":socketchat 472 alice x :is unknown mode char to me", await alice.ExpectAsync(line => line.Contains(" 472 ", StringComparison.Ordinal)));

        await using var erin = await server.ConnectIrcAsync("erin", join: null);
        await erin.SendAsync("JOIN #den");
        Assert.Equal(":socketchat 475 erin #den :Cannot join channel (+k)", await erin.ReadLineAsync());
        await erin.SendAsync("JOIN #den sesame");
        Assert.Equal(":erin!erin@socketchat JOIN #den", await erin.ReadLineAsync());
        await erin.SendAsync("PRIVMSG #den :hi");
        Assert.Equal(":socketchat 404 erin #den :Cannot send to channel (den is moderated: only members with a voice can speak)", await erin.ExpectAsync(line => line.Contains(" 404 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task InviteOnly_InviteWithInviteNotify_AndLimit()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", "invite-notify", join: "#den");
        await using var bob = await server.ConnectIrcAsync("bob", join: null);
        await using var carol = await server.ConnectAsAsync("carol");

        await alice.SendAsync("MODE #den +i");
        Assert.Equal(":alice!alice@socketchat MODE #den +i", await alice.ReadLineAsync());
        await bob.SendAsync("JOIN #den");
        Assert.Equal(":socketchat 473 bob #den :Cannot join channel (+i)", await bob.ReadLineAsync());
        await alice.SendAsync("INVITE bob #den");
        Assert.Equal(":alice!alice@socketchat INVITE bob #den", await alice.ReadLineAsync());
        Assert.Equal(":socketchat 341 alice bob #den", await alice.ReadLineAsync());
        Assert.Equal(":alice!alice@socketchat INVITE bob #den", await bob.ReadLineAsync());
        await bob.SendAsync("JOIN #den");
        Assert.Equal(":bob!bob@socketchat JOIN #den", await bob.ReadLineAsync());
        await alice.SendAsync("INVITE bob #den");
        await alice.ExpectAsync(line => line == ":socketchat 443 alice bob #den :is already on channel");

        await alice.SendAsync("MODE #den -i+l 2");
        await alice.ExpectAsync(line => line == ":alice!alice@socketchat MODE #den +l 2");
        await carol.SendAsync("/join den");
        Assert.Equal("! error: den is full (2 members)", await carol.ExpectAsync(line => line.StartsWith('!')));
    }

    [Fact]
    public async Task SecretRoom_KeptOutOfListNamesAndWhoisForNonMembers()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: "#den");
        await using var bob = await server.ConnectIrcAsync("bob", join: "#lobby");
        await alice.SendAsync("MODE #den +s");
        Assert.Equal(":alice!alice@socketchat MODE #den +s", await alice.ReadLineAsync());

        await bob.SendAsync("LIST");
        Assert.Equal(
            [":socketchat 321 bob Channel :Users  Name", ":socketchat 322 bob #lobby 1 :", ":socketchat 323 bob :End of /LIST"],
            await bob.ReadLinesAsync(3));
        await bob.SendAsync("NAMES #den");
        Assert.Equal(":socketchat 366 bob #den :End of /NAMES list.", await bob.ReadLineAsync());
        await bob.SendAsync("WHOIS alice");
        Assert.Equal([":socketchat 311 bob alice alice socketchat * :alice", ":socketchat 312 bob alice socketchat :SocketChat"], await bob.ReadLinesAsync(2));

        // Its members see it, marked secret in NAMES.
        await alice.SendAsync("NAMES #den");
        Assert.Equal(":socketchat 353 alice @ #den :~alice", await alice.ReadLineAsync());
    }

    // Weakness 10: a member banned with MODE +b (which bans without removing) renamed and spoke again at once.
    [Fact]
    public async Task BannedOrMutedMember_CannotChangeNickname_AnyoneElseCan()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: "#den");
        await using var bob = await server.ConnectIrcAsync("bob", join: "#den");
        await using var carol = await server.ConnectAsAsync("carol");
        await carol.SendAsync("/join den");
        await alice.SendAsync("MODE #den +b bob");
        await alice.ExpectAsync(line => line.EndsWith(" MODE #den +b bob!*@*", StringComparison.Ordinal));
        await alice.SendAsync("MODE #den +b m:carol");
        await alice.ExpectAsync(line => line.EndsWith(" MODE #den +b m:carol!*@*", StringComparison.Ordinal));

        await bob.SendAsync("NICK robert");
        Assert.Equal(":socketchat 435 bob robert :you cannot change your nickname while banned in den", await bob.ExpectAsync(line => line.Contains(" 435 ", StringComparison.Ordinal)));
        await bob.SendAsync("PRIVMSG #den :as bob still");
        Assert.Contains(" 404 bob #den :Cannot send to channel", await bob.ExpectAsync(line => line.Contains(" 404 ", StringComparison.Ordinal)), StringComparison.Ordinal);
        await carol.SendAsync("/nick caroline");
        Assert.Equal("! error: you cannot change your nickname while muted in den", await carol.ExpectAsync(line => line.StartsWith('!')));

        // The room's operator renames freely.
        await alice.SendAsync("NICK alicia");
        Assert.Equal(":alice!alice@socketchat NICK :alicia", await alice.ExpectAsync(line => line.Contains(" NICK ", StringComparison.Ordinal)));
    }

    // Finding 5: a non-member's WHO #den listed its members with their roles, WHO *mask* showed the room, and text
    // /topic, JSON topic, /mode and /bans of it answered non-members.
    [Fact]
    public async Task SecretRoom_ItsMembersTopicModesAndBans_ToldToNoNonMemberInAnyProtocol()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: "#den");
        await alice.SendAsync("TOPIC #den :the plan");
        await alice.SendAsync("MODE #den +s");
        await alice.SendAsync("MODE #den +b mallory");
        await alice.ExpectAsync(line => line.EndsWith(" MODE #den +b mallory!*@*", StringComparison.Ordinal));
        await using var carol = await server.ConnectAsAsync("carol");
        await using var dave = await JsonModeTests.ConnectJsonAsync(server, "dave");
        await using var bob = await server.ConnectIrcAsync("bob", join: "#lobby");

        await bob.SendAsync("WHO #den");
        Assert.Equal(":socketchat 315 bob #den :End of /WHO list.", await bob.ReadLineAsync());
        await bob.SendAsync("WHO al*");
        Assert.Equal(":socketchat 352 bob * alice socketchat socketchat alice H :0 alice", await bob.ReadLineAsync());
        Assert.Equal(":socketchat 315 bob al* :End of /WHO list.", await bob.ReadLineAsync());
        await bob.SendAsync("MODE #den");
        Assert.Equal(":socketchat 442 bob #den :You're not on that channel", await bob.ReadLineAsync());
        await bob.SendAsync("MODE #den +b");
        Assert.Equal(":socketchat 442 bob #den :You're not on that channel", await bob.ReadLineAsync());
        await bob.SendAsync("TOPIC #den");
        Assert.Equal(":socketchat 442 bob #den :You're not on that channel", await bob.ReadLineAsync());

        foreach (var asked in new[] { "/topic #den", "/mode #den", "/bans #den" })
        {
            await carol.SendAsync(asked);
            Assert.Equal("! error: you are not in den", await carol.ExpectAsync(line => line.StartsWith('!')));
        }

        await dave.SendAsync("""{"type":"topic","room":"den"}""");
        Assert.Equal("""{"type":"error","code":"not_in_room","message":"you are not in den"}""", await dave.ExpectAsync(line => line.Contains("error", StringComparison.Ordinal)));

        // Its members are told all of it.
        await alice.SendAsync("WHO #den");
        Assert.Equal(":socketchat 352 alice #den alice socketchat socketchat alice H~ :0 alice", await alice.ReadLineAsync());
        await alice.SendAsync("MODE #den");
        Assert.Equal(":socketchat 324 alice #den +nst", await alice.ExpectAsync(line => line.Contains(" 324 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Oper_WhereNobodyCanBeOne_491()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: null);
        await alice.SendAsync("OPER root anything");
        Assert.Equal(":socketchat 491 alice :No O-lines for your host", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Oper_Kill_Wallops_AndServerWideBan_ForOperatorsOnly()
    {
        await using var server = await StartAsync(new() { ["Chat:Operators:root"] = OperatorHash.Value });
        await using var alice = await server.ConnectIrcAsync("alice", join: "#lobby");
        await using var mallory = await server.ConnectIrcAsync("mallory", join: "#lobby");
        await using var bob = await server.ConnectAsAsync("bob");

        await mallory.SendAsync("KILL bob :go");
        Assert.Equal(":socketchat 481 mallory :Permission Denied- You're not an IRC operator", await mallory.ExpectAsync(line => line.Contains(" 481 ", StringComparison.Ordinal)));
        await mallory.SendAsync("WALLOPS :hear me");
        Assert.Equal(":socketchat 481 mallory :Permission Denied- You're not an IRC operator", await mallory.ReadLineAsync());
        await mallory.SendAsync("OPER root wrong");
        Assert.Equal(":socketchat 464 mallory :Password incorrect", await mallory.ReadLineAsync());

        await alice.SendAsync("OPER root opensesame");
        Assert.Equal(":socketchat 381 alice :You are now an IRC operator", await alice.ExpectAsync(line => line.Contains(" 381 ", StringComparison.Ordinal)));
        Assert.Equal(":alice!alice@socketchat MODE alice :+o", await alice.ReadLineAsync());
        await alice.SendAsync("WHOIS alice");
        await alice.ExpectAsync(line => line == ":socketchat 313 alice alice :is an IRC operator");

        await alice.SendAsync("WALLOPS :maintenance at noon");
        Assert.Equal(":alice!alice@socketchat WALLOPS :maintenance at noon", await alice.ExpectAsync(line => line.Contains("WALLOPS", StringComparison.Ordinal)));

        await alice.SendAsync("KILL bob :spam");
        Assert.Equal("! error: killed by alice: spam", await bob.ExpectAsync(line => line.StartsWith('!')));
        await bob.DrainUntilClosedAsync();
        Assert.Equal(":bob!bob@socketchat QUIT :killed by alice: spam", await mallory.ExpectAsync(line => line.Contains("QUIT", StringComparison.Ordinal)));

        // A server-wide ban (here from an operator on nc) closes who it matches, and refuses them when they come back.
        await using var root = await server.ConnectAsAsync("root");
        await root.SendAsync("/ban --server mallory");
        Assert.Equal("! error: only server operators can ban or mute server-wide", await root.ReadLineAsync());
        await root.SendAsync("/oper root opensesame");
        Assert.Equal("* you are now a server operator", await root.ReadLineAsync());
        await root.SendAsync("/ban --server mallory 1d");
        Assert.Matches(@"^\* root banned mallory!\*@\* from this server until \S+Z$", await root.ReadLineAsync());
        Assert.Equal("ERROR :Closing link: banned from this server by root", await mallory.ExpectAsync(line => line.StartsWith("ERROR", StringComparison.Ordinal)));
        await mallory.DrainUntilClosedAsync();
        await using var again = await TestClient.ConnectAsync(server.IrcPort);
        await again.SendAsync("NICK mallory");
        await again.SendAsync("USER m 0 * :m");
        Assert.Matches(@"^ERROR :Closing link: you are banned from this server until \S+Z$", await again.ExpectAsync(line => line.StartsWith("ERROR", StringComparison.Ordinal)));
        await root.SendAsync("/unban --server mallory");
        Assert.Equal("* root lifted the ban on mallory!*@* on this server", await root.ExpectAsync(line => line.Contains("lifted", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Notice_StoredAndRelayedAsOne_BotTaggedOnItsLines()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", "message-tags", join: "#lobby");
        await using var bob = await server.ConnectIrcAsync("bob", "message-tags", join: "#lobby");
        await using var nc = await server.ConnectAsAsync("carol");
        await using var json = await JsonModeTests.ConnectJsonAsync(server, "dave");
        await alice.ExpectAsync(line => line.Contains("NICK :dave", StringComparison.Ordinal) || line.Contains("JOIN #lobby", StringComparison.Ordinal) && line.StartsWith(":bob", StringComparison.Ordinal));

        await alice.SendAsync("NOTICE #lobby :the build is green");
        Assert.Matches(@"^@msgid=\d+ :alice!alice@socketchat NOTICE #lobby :the build is green$", await bob.ExpectAsync(line => line.Contains("NOTICE #lobby", StringComparison.Ordinal)));
        Assert.Equal("-alice- the build is green", await nc.ExpectAsync(line => line.Contains("build", StringComparison.Ordinal)));
        Assert.Matches("""^\{"type":"message","id":\d+,"ts":"[^"]+","room":"lobby","from":"alice","text":"the build is green","notice":true\}$""", await json.ExpectAsync(line => line.Contains("build", StringComparison.Ordinal)));
        await alice.SendAsync("NOTICE bob :just you");
        Assert.Matches(@"^@msgid=\d+ :alice!alice@socketchat NOTICE bob :just you$", await bob.ExpectAsync(line => line.Contains("just you", StringComparison.Ordinal)));

        // Stored as a notice: a newcomer's history shows it as one.
        await using var erin = await server.ConnectAsync();
        Assert.Equal("[history] -alice- the build is green", await erin.ExpectAsync(line => line.Contains("build", StringComparison.Ordinal)));

        await alice.SendAsync("MODE alice +B");
        await alice.ExpectAsync(line => line == ":alice!alice@socketchat MODE alice :+B");
        await alice.SendAsync("PRIVMSG #lobby :beep");
        Assert.Matches(@"^@msgid=\d+;bot :alice!alice@socketchat PRIVMSG #lobby :beep$", await bob.ExpectAsync(line => line.Contains("beep", StringComparison.Ordinal)));
    }
}
