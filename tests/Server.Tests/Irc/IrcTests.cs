using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

public sealed class IrcTests
{
    private static Task<TestServer> StartAsync(Dictionary<string, string?>? more = null) =>
        TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" }, more);

    [Fact]
    public async Task Registration_CapLs302NickUserCapEnd_WelcomeBurst_InNoChannelUntilItJoins()
    {
        await using var server = await StartAsync();
        await using var irc = await TestClient.ConnectAsync(server.IrcPort);

        await irc.SendAsync("CAP LS 302");
        Assert.Equal(":socketchat CAP * LS :account-notify account-tag away-notify batch cap-notify chghost draft/chathistory echo-message extended-join invite-notify labeled-response message-tags multi-prefix server-time setname soju.im/search userhost-in-names", await irc.ReadLineAsync());
        await irc.SendAsync("NICK alice");
        await irc.SendAsync("USER alice 0 * :Alice Liddell");
        await irc.SendAsync("CAP REQ :server-time echo-message");
        Assert.Equal(":socketchat CAP * ACK :server-time echo-message", await irc.ReadLineAsync());
        await irc.SendAsync("CAP END");

        var burst = await irc.ReadLinesAsync(5);
        Assert.Equal(":socketchat 001 alice :Welcome to the SocketChat IRC network, alice!alice@socketchat", burst[0]);
        Assert.StartsWith(":socketchat 002 alice :Your host is socketchat, running version ", burst[1], StringComparison.Ordinal);
        Assert.StartsWith(":socketchat 003 alice :This server was created ", burst[2], StringComparison.Ordinal);
        Assert.Equal(":socketchat 004 alice socketchat SocketChat-1 Biow biklmnoqstv bklovq", burst[3]);
        Assert.Equal(
            ":socketchat 005 alice AWAYLEN=200 BOT=B CASEMAPPING=ascii CHANLIMIT=#:50 CHANMODES=b,k,l,imnst CHANNELLEN=33 CHANTYPES=# CHATHISTORY=500 MODES=6 MONITOR=100 MSGREFTYPES=msgid,timestamp NETWORK=SocketChat NICKLEN=32 PREFIX=(qov)~@+ TARGMAX=NAMES:1,WHOIS:1,PRIVMSG:1,NOTICE:1 UTF8ONLY WHOX :are supported by this server",
            burst[4]);
        Assert.Equal(":socketchat 375 alice :- socketchat Message of the day - ", await irc.ReadLineAsync());
        Assert.Equal(":socketchat 376 alice :End of /MOTD command.", await irc.ExpectAsync(line => !line.Contains(" 372 ", StringComparison.Ordinal)));
        await irc.SendAsync("PING :nothing else");
        Assert.Equal(":socketchat PONG socketchat :nothing else", await irc.ReadLineAsync());
        await irc.SendAsync("JOIN #lobby");
        Assert.Equal(
            [":alice!alice@socketchat JOIN #lobby", ":socketchat 353 alice = #lobby :alice", ":socketchat 366 alice #lobby :End of /NAMES list."],
            await irc.ReadLinesAsync(3));
    }

    [Fact]
    public async Task IrcUserAndNcUser_OneRoom_EachLineArrivesOnceInBothDirections_EchoedToItsSender()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var irc = await server.ConnectIrcAsync("alice", "echo-message");
        Assert.Equal("* alice joined lobby", await nc.ReadLineAsync());

        await irc.SendAsync("PRIVMSG #lobby :hello from irssi");
        Assert.Equal(":alice!alice@socketchat PRIVMSG #lobby :hello from irssi", await irc.ReadLineAsync());
        Assert.Equal("alice: hello from irssi", await nc.ReadLineAsync());
        await nc.SendAsync("hello from nc");
        Assert.Equal(":bob!bob@socketchat PRIVMSG #lobby :hello from nc", await irc.ReadLineAsync());

        // Private, both ways, then each side shows nothing more than that.
        await irc.SendAsync("PRIVMSG bob :just you");
        Assert.Equal(":alice!alice@socketchat PRIVMSG bob :just you", await irc.ReadLineAsync());
        Assert.Equal("[private] alice: just you", await nc.ReadLineAsync());
        await nc.SendAsync("/msg alice and you");
        Assert.Equal(":bob!bob@socketchat PRIVMSG alice :and you", await irc.ReadLineAsync());
        Assert.Equal("* private to alice: and you", await nc.ReadLineAsync());
        await irc.SendAsync("PING :end");
        Assert.Equal(":socketchat PONG socketchat :end", await irc.ReadLineAsync());
        await nc.SendAsync("/ping");
        Assert.Equal("* pong", await nc.ReadLineAsync());
        await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith("from \"alice\" to \"bob\": \"just you\"", StringComparison.Ordinal));
        var fromIrc = Assert.Single(server.Log.Events, e => e.RenderMessage().EndsWith("from \"alice\": \"hello from irssi\"", StringComparison.Ordinal));
        Assert.Equal("\"irc\"", fromIrc.Properties["Protocol"].ToString());
        var fromNc = Assert.Single(server.Log.Events, e => e.RenderMessage().EndsWith("from \"bob\": \"hello from nc\"", StringComparison.Ordinal));
        Assert.Equal("\"chat\"", fromNc.Properties["Protocol"].ToString());
        Assert.Equal("\"irc\"", Assert.Single(server.Log.Events, e => e.RenderMessage().StartsWith("Client \"alice\" connected", StringComparison.Ordinal)).Properties["Protocol"].ToString());
    }

    [Fact]
    public async Task Ping_AnsweredOnceWhatCameBeforeIsDelivered_TheEchoesFirst()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var irc = await server.ConnectIrcAsync("alice", "echo-message");
        await nc.ReadLineAsync();

        // One write: three lines and a PING. The store takes a moment; the PONG waits for it.
        await irc.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes("PRIVMSG #lobby :one\r\nPRIVMSG #lobby :two\r\nPRIVMSG bob :three\r\nPING :caught-up\r\n"));

        Assert.Equal(
            [
                ":alice!alice@socketchat PRIVMSG #lobby :one",
                ":alice!alice@socketchat PRIVMSG #lobby :two",
                ":alice!alice@socketchat PRIVMSG bob :three",
                ":socketchat PONG socketchat :caught-up",
            ],
            await irc.ReadLinesAsync(4));
    }

    [Fact]
    public async Task Action_FromIrc_ShownToNcAsStar_FromNc_ShownToIrcAsCtcpAction()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var irc = await server.ConnectIrcAsync("alice");
        await nc.ReadLineAsync();

        await irc.SendAsync("PRIVMSG #lobby :\u0001ACTION waves\u0001");
        Assert.Equal("* alice waves", await nc.ReadLineAsync());
        await nc.SendAsync("/me waves back");
        Assert.Equal(":bob!bob@socketchat PRIVMSG #lobby :\u0001ACTION waves back\u0001", await irc.ReadLineAsync());
    }

    [Fact]
    public async Task Mistakes_AnsweredWithTheirNumerics_TheConnectionStays()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var irc = await TestClient.ConnectAsync(server.IrcPort);

        await irc.SendAsync("JOIN #dev");
        Assert.Equal(":socketchat 451 * :You have not registered", await irc.ReadLineAsync());
        await irc.SendAsync("NICK");
        Assert.Equal(":socketchat 431 * :No nickname given", await irc.ReadLineAsync());
        await irc.SendAsync("NICK 9lives");
        Assert.Equal(":socketchat 432 * 9lives :Erroneous nickname: use 1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter", await irc.ReadLineAsync());
        await irc.SendAsync("USER onlyone");
        Assert.Equal(":socketchat 461 * USER :Not enough parameters", await irc.ReadLineAsync());
        await irc.SendAsync("NICK carol");
        await irc.SendAsync("USER carol 0 * :Carol");
        await irc.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));

        (string Sent, string Expected)[] mistakes =
        [
            ("USER again 0 * :x", ":socketchat 462 carol :You may not reregister"),
            ("PRIVMSG", ":socketchat 411 carol :No recipient given (PRIVMSG)"),
            ("PRIVMSG #lobby", ":socketchat 412 carol :No text to send"),
            ("PRIVMSG nobody :hi", ":socketchat 401 carol nobody :No such nick/channel"),
            ("PRIVMSG #lobby :hi", ":socketchat 404 carol #lobby :Cannot send to channel: JOIN it first"),
            ("PRIVMSG #dev :hi", ":socketchat 403 carol #dev :No such channel"),
            ("PRIVMSG lobby,dev :hi", ":socketchat 407 carol lobby,dev :Too many targets: one at a time"),
            ("JOIN", ":socketchat 461 carol JOIN :Not enough parameters"),
            ("JOIN dev", ":socketchat 403 carol dev :No such channel"),
            ("JOIN #bad!name", ":socketchat 479 carol #bad!name :Illegal channel name: use # then 1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter"),
            ("PART #dev", ":socketchat 403 carol #dev :No such channel"),
            ("PART #lobby", ":socketchat 442 carol #lobby :You're not on that channel"),
            ("FROB", ":socketchat 421 carol FROB :Unknown command"),
            ("MODE #lobby +m", ":socketchat 442 carol #lobby :You're not on that channel"),
            ("MODE carol +x", ":socketchat 501 carol :Unknown MODE flag"),
            ("TOPIC #lobby", ":socketchat 331 carol #lobby :No topic is set"),
            ($"PRIVMSG #lobby :{new string('x', 500)}", ":socketchat 417 carol :Input line was too long"),
            ($"PRIVMSG #lobby :{new string('y', 5000)}", ":socketchat 417 carol :Input line was too long"),
            ("PING :still here", ":socketchat PONG socketchat :still here"),
        ];
        foreach (var (sent, expected) in mistakes)
        {
            await irc.SendAsync(sent);
            Assert.Equal(expected, await irc.ReadLineAsync());
        }

        await irc.SendAsync("WHOIS nobody");
        Assert.Equal(
            [":socketchat 401 carol nobody :No such nick/channel", ":socketchat 318 carol nobody :End of /WHOIS list."],
            await irc.ReadLinesAsync(2));
    }

    [Fact]
    public async Task WhoWas_NamesLetGoByQuitAndByRename_OfAnyKindOfClient_NewestFirst_CountKept_406ForNobody()
    {
        await using var server = await StartAsync();
        await using var carol = await server.ConnectIrcAsync("carol");
        foreach (var (user, realName) in new[] { ("al", "Alice Liddell"), ("al2", "Alice Again") })
        {
            await using var alice = await TestClient.ConnectAsync(server.IrcPort);
            await alice.SendAsync("NICK alice");
            await alice.SendAsync($"USER {user} 0 * :{realName}");
            await alice.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
            await alice.SendAsync("JOIN #lobby");
            await alice.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
            await alice.SendAsync("QUIT :bye");
            await alice.ReadToEndAsync();

            // The reader has let the name go when the channel hears it quit.
            Assert.Equal(":alice!alice@socketchat QUIT :Quit: bye", await carol.ExpectAsync(line => line.Contains(" QUIT ", StringComparison.Ordinal)));
        }

        await using var bob = await server.ConnectAsAsync("bob");
        await carol.ExpectAsync(line => line.EndsWith(" NICK :bob", StringComparison.Ordinal));
        await bob.SendAsync("/nick robert");
        Assert.Equal(":bob!bob@socketchat NICK :robert", await carol.ReadLineAsync());

        await carol.SendAsync("WHOWAS alice");
        var alices = await carol.ReadLinesAsync(5);
        Assert.Equal(":socketchat 314 carol alice al2 socketchat * :Alice Again", alices[0]);
        AssertLetGoJustNow(alices[1]);
        Assert.Equal(":socketchat 314 carol alice al socketchat * :Alice Liddell", alices[2]);
        AssertLetGoJustNow(alices[3]);
        Assert.Equal(":socketchat 369 carol alice :End of WHOWAS", alices[4]);

        await carol.SendAsync("WHOWAS ALICE 1");
        Assert.Equal(":socketchat 314 carol alice al2 socketchat * :Alice Again", await carol.ReadLineAsync());
        AssertLetGoJustNow(await carol.ReadLineAsync());
        Assert.Equal(":socketchat 369 carol ALICE :End of WHOWAS", await carol.ReadLineAsync());

        // A text client's name: its user and real name are its nickname.
        await carol.SendAsync("WHOWAS bob");
        Assert.Equal(":socketchat 314 carol bob bob socketchat * :bob", await carol.ReadLineAsync());
        AssertLetGoJustNow(await carol.ReadLineAsync());
        Assert.Equal(":socketchat 369 carol bob :End of WHOWAS", await carol.ReadLineAsync());

        await carol.SendAsync("WHOWAS robert");
        Assert.Equal(
            [":socketchat 406 carol robert :There was no such nickname", ":socketchat 369 carol robert :End of WHOWAS"],
            await carol.ReadLinesAsync(2));
        await carol.SendAsync("WHOWAS");
        Assert.Equal(":socketchat 431 carol :No nickname given", await carol.ReadLineAsync());
    }

    [Fact]
    public async Task Info_SaysWhatThisServerIs_371s_Then374()
    {
        await using var server = await StartAsync();
        await using var irc = await server.ConnectIrcAsync("alice", join: null);

        await irc.SendAsync("INFO");

        Assert.Equal(
            [
                ":socketchat 371 alice :SocketChat-1: a self-hosted chat server in C# on .NET.",
                ":socketchat 371 alice :IRC, nc and telnet, the SocketChat client (text or JSON) and the browser page share the same rooms.",
                ":socketchat 371 alice :Every message is stored before it is delivered, and logged once.",
                ":socketchat 374 alice :End of INFO list",
            ],
            await irc.ReadLinesAsync(4));
    }

    [Fact]
    public async Task BotMode_PlusB_ToldBackAndIn221_WhoisSays335_WhoFlagsB_MinusBTakesItBack()
    {
        await using var server = await StartAsync();
        await using var carol = await server.ConnectIrcAsync("carol");
        await using var robot = await server.ConnectIrcAsync("robot");
        await carol.ExpectAsync(line => line == ":robot!robot@socketchat JOIN #lobby");

        await robot.SendAsync("MODE robot +iB");
        Assert.Equal(":robot!robot@socketchat MODE robot :+iB", await robot.ReadLineAsync());
        await robot.SendAsync("MODE robot");
        Assert.Equal(":socketchat 221 robot +iB", await robot.ReadLineAsync());
        await robot.SendAsync("MODE robot +x");
        Assert.Equal(":socketchat 501 robot :Unknown MODE flag", await robot.ReadLineAsync());

        await carol.SendAsync("WHOIS robot");
        Assert.Equal(
            [
                ":socketchat 311 carol robot robot socketchat * :robot",
                ":socketchat 319 carol robot :#lobby",
                ":socketchat 312 carol robot socketchat :SocketChat",
                ":socketchat 335 carol robot :is a bot",
                ":socketchat 318 carol robot :End of /WHOIS list.",
            ],
            await carol.ReadLinesAsync(5));
        await carol.SendAsync("WHO robot");
        Assert.Equal(
            [":socketchat 352 carol #lobby robot socketchat socketchat robot HB :0 robot", ":socketchat 315 carol robot :End of /WHO list."],
            await carol.ReadLinesAsync(2));

        await robot.SendAsync("MODE robot -B");
        Assert.Equal(":robot!robot@socketchat MODE robot :-B", await robot.ReadLineAsync());
        await carol.SendAsync("WHOIS robot");
        Assert.DoesNotContain(":socketchat 335 carol robot :is a bot", await carol.ReadLinesAsync(4));
    }

    [Fact]
    public async Task Lusers_CountsAddUp_InvisibleUsersCountedApart_ChannelsFormed()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var carol = await server.ConnectIrcAsync("carol");
        await carol.SendAsync("MODE carol +i");
        Assert.Equal(":carol!carol@socketchat MODE carol :+i", await carol.ReadLineAsync());

        await carol.SendAsync("LUSERS");

        Assert.Equal(
            [
                ":socketchat 251 carol :There are 1 users and 1 invisible on 1 servers",
                ":socketchat 252 carol 0 :operator(s) online",
                ":socketchat 254 carol 1 :channels formed",
                ":socketchat 255 carol :I have 2 clients and 0 servers",
                ":socketchat 265 carol :Current local users: 2",
                ":socketchat 266 carol :Current global users: 2",
            ],
            await carol.ReadLinesAsync(6));
    }

    // 312 on a WHOWAS entry: the server, then when the name was let go (within a minute of now).
    private static void AssertLetGoJustNow(string? line)
    {
        var match = System.Text.RegularExpressions.Regex.Match(line ?? string.Empty, "^:socketchat 312 carol [a-z]+ socketchat :(?<at>[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}) UTC$");
        Assert.True(match.Success, line);
        var at = DateTime.ParseExact(match.Groups["at"].Value, "ddd MMM d HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(DateTime.UtcNow - at, TimeSpan.Zero - TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task NickTaken_433_ThenAnotherNickRegisters_AndANoticeIsNeverAnsweredWithAnError()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("alice");
        await using var irc = await TestClient.ConnectAsync(server.IrcPort);

        await irc.SendAsync("NICK alice");
        await irc.SendAsync("USER alice 0 * :Alice");
        Assert.Equal(":socketchat 433 * alice :Nickname is already in use", await irc.ReadLineAsync());
        await irc.SendAsync("NICK alice_");
        Assert.Equal(":socketchat 001 alice_ :Welcome to the SocketChat IRC network, alice_!alice_@socketchat", await irc.ReadLineAsync());
        await irc.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));

        await irc.SendAsync("NICK alice");
        Assert.Equal(":socketchat 433 alice_ alice :Nickname is already in use", await irc.ReadLineAsync());
        await irc.SendAsync("NOTICE nobody :hi");
        await irc.SendAsync("NOTICE #elsewhere :hi");
        await irc.SendAsync("NICK al");
        Assert.Equal(":alice_!alice_@socketchat NICK :al", await irc.ReadLineAsync());
    }

    [Fact]
    public async Task SeveralChannelsAtOnce_EachLineToItsChannel_PartLeavesOne_NamesWhoWhoisList()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var dev = await server.ConnectAsAsync("dave");
        await dev.SendAsync("/join dev");
        await dev.ExpectAsync(line => line == "* dave joined dev");
        await dev.SendAsync("/who");
        await dev.ExpectAsync(line => line == "* dev (1): ~dave");
        await using var irc = await server.ConnectIrcAsync("alice", join: null);

        await irc.SendAsync("JOIN #lobby,#dev");
        Assert.Equal(
            [
                ":alice!alice@socketchat JOIN #lobby",
                ":socketchat 353 alice = #lobby :alice bob",
                ":socketchat 366 alice #lobby :End of /NAMES list.",
                ":alice!alice@socketchat JOIN #dev",
                ":socketchat 353 alice = #dev :alice ~dave",
                ":socketchat 366 alice #dev :End of /NAMES list.",
            ],
            await irc.ReadLinesAsync(6));
        await nc.ExpectAsync(line => line == "* alice joined lobby");
        Assert.Equal("* alice joined dev", await dev.ReadLineAsync());

        // Each line goes to the channel it names, and each room's talk comes back under its channel.
        await irc.SendAsync("PRIVMSG #dev :to dev");
        await irc.SendAsync("PRIVMSG #lobby :to lobby");
        Assert.Equal("alice: to dev", await dev.ReadLineAsync());
        Assert.Equal("alice: to lobby", await nc.ReadLineAsync());
        await nc.SendAsync("from lobby");
        Assert.Equal(":bob!bob@socketchat PRIVMSG #lobby :from lobby", await irc.ReadLineAsync());
        await dev.SendAsync("from dev");
        Assert.Equal(":dave!dave@socketchat PRIVMSG #dev :from dev", await irc.ReadLineAsync());

        await irc.SendAsync("NAMES");
        Assert.Equal(
            [
                ":socketchat 353 alice = #lobby :alice bob",
                ":socketchat 353 alice = #dev :alice ~dave",
                ":socketchat 366 alice * :End of /NAMES list.",
            ],
            await irc.ReadLinesAsync(3));
        await irc.SendAsync("WHO #dev");
        Assert.Equal(
            [
                ":socketchat 352 alice #dev alice socketchat socketchat alice H :0 alice",
                ":socketchat 352 alice #dev dave socketchat socketchat dave H~ :0 dave",
                ":socketchat 315 alice #dev :End of /WHO list.",
            ],
            await irc.ReadLinesAsync(3));
        await irc.SendAsync("WHOIS alice");
        Assert.Equal(
            [
                ":socketchat 311 alice alice alice socketchat * :alice",
                ":socketchat 319 alice alice :#lobby #dev",
                ":socketchat 312 alice alice socketchat :SocketChat",
                ":socketchat 318 alice alice :End of /WHOIS list.",
            ],
            await irc.ReadLinesAsync(4));
        await irc.SendAsync("LIST");
        Assert.Equal(
            [
                ":socketchat 321 alice Channel :Users  Name",
                ":socketchat 322 alice #dev 2 :",
                ":socketchat 322 alice #lobby 2 :",
                ":socketchat 323 alice :End of /LIST",
            ],
            await irc.ReadLinesAsync(4));

        // Joining a channel it is in does nothing; PART leaves that one only.
        await irc.SendAsync("JOIN #dev");
        await irc.SendAsync("PART #dev :bye");
        Assert.Equal(":alice!alice@socketchat PART #dev :bye", await irc.ReadLineAsync());
        Assert.Equal("* alice left dev", await dev.ReadLineAsync());
        await dev.SendAsync("not for alice");
        await nc.SendAsync("still for alice");
        Assert.Equal(":bob!bob@socketchat PRIVMSG #lobby :still for alice", await irc.ReadLineAsync());
        await irc.SendAsync("PRIVMSG #dev :after leaving");
        Assert.Equal(":socketchat 404 alice #dev :Cannot send to channel: JOIN it first", await irc.ReadLineAsync());

        // JOIN 0 leaves every channel.
        await irc.SendAsync("JOIN 0");
        Assert.Equal(":alice!alice@socketchat PART #lobby", await irc.ReadLineAsync());
        Assert.Equal("* alice left lobby", await nc.ReadLineAsync());
        await irc.SendAsync("NAMES");
        Assert.Equal(":socketchat 366 alice * :End of /NAMES list.", await irc.ReadLineAsync());
    }

    [Fact]
    public async Task NickChange_SeenOnceByWhoSharesSeveralChannels_AndByItsOwnerInNone()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: "#lobby,#dev");
        await alice.ExpectAsync(line => line == ":socketchat 366 alice #dev :End of /NAMES list.");
        await using var bob = await server.ConnectIrcAsync("bob", join: "#lobby,#dev");
        await using var carol = await server.ConnectIrcAsync("carol", join: null);
        await alice.ExpectAsync(line => line == ":bob!bob@socketchat JOIN #dev");
        await bob.ExpectAsync(line => line == ":socketchat 366 bob #dev :End of /NAMES list.");

        await bob.SendAsync("NICK robert");
        await carol.SendAsync("NICK caroline");

        Assert.Equal(":bob!bob@socketchat NICK :robert", await bob.ReadLineAsync());
        Assert.Equal(":carol!carol@socketchat NICK :caroline", await carol.ReadLineAsync());
        Assert.Equal(":bob!bob@socketchat NICK :robert", await alice.ReadLineAsync());
        await alice.SendAsync("PING :once");
        Assert.Equal(":socketchat PONG socketchat :once", await alice.ReadLineAsync());
        await alice.SendAsync("WHOIS robert");
        Assert.Equal(":socketchat 319 alice robert :#lobby #dev", (await alice.ReadLinesAsync(2))[1]);
    }

    [Fact]
    public async Task PartSaysWhy_QuitIsOneQuitLineWhateverChannelsAreShared()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice", join: "#lobby,#dev");
        await alice.ExpectAsync(line => line == ":socketchat 366 alice #dev :End of /NAMES list.");
        await using var bob = await server.ConnectIrcAsync("bob", join: "#lobby,#dev");
        await alice.ExpectAsync(line => line == ":bob!bob@socketchat JOIN #dev");

        await bob.SendAsync("PART #dev :off to lunch");
        Assert.Equal(":bob!bob@socketchat PART #dev :off to lunch", await alice.ReadLineAsync());
        await bob.SendAsync("JOIN #dev");
        Assert.Equal(":bob!bob@socketchat JOIN #dev", await alice.ReadLineAsync());
        await bob.SendAsync("QUIT :see you");

        Assert.Equal(":bob!bob@socketchat QUIT :Quit: see you", await alice.ReadLineAsync());
        await alice.SendAsync("PING :once");
        Assert.Equal(":socketchat PONG socketchat :once", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task WhoMask_MatchesNicknames_InvisibleUsersOnlyWhenAChannelIsShared()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("evelyn");
        await using var evan = await server.ConnectIrcAsync("evan", join: null);
        await evan.SendAsync("MODE evan +i");
        Assert.Equal(":evan!evan@socketchat MODE evan :+i", await evan.ReadLineAsync());
        await using var shiv = await server.ConnectIrcAsync("shiv", join: null);

        await shiv.SendAsync("WHO EV*");
        Assert.Equal(
            [":socketchat 352 shiv #lobby evelyn socketchat socketchat evelyn H :0 evelyn", ":socketchat 315 shiv EV* :End of /WHO list."],
            await shiv.ReadLinesAsync(2));
        await shiv.SendAsync("WHO evan");
        Assert.Equal(":socketchat 352 shiv * evan socketchat socketchat evan H :0 evan", await shiv.ReadLineAsync());
        await shiv.ReadLineAsync();

        await evan.SendAsync("JOIN #dev");
        await evan.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
        await shiv.SendAsync("JOIN #dev");
        await shiv.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
        await shiv.SendAsync("WHO ?van");
        Assert.Equal(
            [":socketchat 352 shiv #dev evan socketchat socketchat evan H :0 evan", ":socketchat 315 shiv ?van :End of /WHO list."],
            await shiv.ReadLinesAsync(2));
    }

    [Fact]
    public async Task LineLimits_TagsPast4096And510AfterTheMaskIsAdded_417_NothingRelayed_SameNickIsSilent()
    {
        await using var server = await StartAsync();
        await using var bob = await server.ConnectIrcAsync("bob");
        await using var alice = await server.ConnectIrcAsync("alice");
        await bob.ExpectAsync(line => line == ":alice!alice@socketchat JOIN #lobby");

        await alice.SendAsync($"@+example={new string('a', 4096)} PRIVMSG #lobby :hi");
        Assert.Equal(":socketchat 417 alice :Input line was too long", await alice.ReadLineAsync());

        // 510 bytes as sent; with ":alice!alice@socketchat " in front it would not fit.
        var text = new string('x', 510 - "PRIVMSG #lobby :".Length);
        await alice.SendAsync($"PRIVMSG #lobby :{text}");
        Assert.Equal(":socketchat 417 alice :Input line was too long once your address is added: split it", await alice.ReadLineAsync());
        var fits = new string('y', 510 - ":alice!alice@socketchat PRIVMSG #lobby :".Length);
        await alice.SendAsync($"PRIVMSG #lobby :{fits}");
        Assert.Equal($":alice!alice@socketchat PRIVMSG #lobby :{fits}", await bob.ReadLineAsync());

        await alice.SendAsync("NICK alice");
        await alice.SendAsync("PING :nothing before");
        Assert.Equal(":socketchat PONG socketchat :nothing before", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task AwayShownInWhoAndUserhost_ChannelsAsTheRoomSpellsThem_ListAndTopicOfAMissingChannel()
    {
        await using var server = await StartAsync();
        await using var irc = await server.ConnectIrcAsync("alice");

        await irc.SendAsync("AWAY :lunch");
        Assert.Equal(":socketchat 306 alice :You have been marked as being away", await irc.ReadLineAsync());
        await irc.SendAsync("WHO #LOBBY");
        Assert.Equal(
            [":socketchat 352 alice #lobby alice socketchat socketchat alice G :0 alice", ":socketchat 315 alice #LOBBY :End of /WHO list."],
            await irc.ReadLinesAsync(2));
        await irc.SendAsync("USERHOST alice");
        Assert.Equal(":socketchat 302 alice :alice=-alice@socketchat", await irc.ReadLineAsync());
        await irc.SendAsync("NAMES #Lobby");
        Assert.Equal([":socketchat 353 alice = #lobby :alice", ":socketchat 366 alice #lobby :End of /NAMES list."], await irc.ReadLinesAsync(2));
        await irc.SendAsync("LIST #nowhere");
        Assert.Equal([":socketchat 321 alice Channel :Users  Name", ":socketchat 323 alice :End of /LIST"], await irc.ReadLinesAsync(2));
        await irc.SendAsync("TOPIC #nowhere");
        Assert.Equal(":socketchat 403 alice #nowhere :No such channel", await irc.ReadLineAsync());
    }

    [Fact]
    public async Task Joining_HistoryReplayedWithServerTime_InsideAChathistoryBatch()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await nc.SendAsync("/join dev");
        await nc.ExpectAsync(line => line == "* bob joined dev");
        await nc.SendAsync("before you came");
        await server.WaitUntilStoredAsync("before you came");

        await using var irc = await server.ConnectIrcAsync("alice", "server-time batch", join: null);
        await irc.SendAsync("JOIN #dev");

        var lines = await irc.ReadLinesAsync(4);
        Assert.Equal(":alice!alice@socketchat JOIN #dev", lines[0]);
        Assert.Equal(":socketchat BATCH +h1 chathistory #dev", lines[1]);
        Assert.Matches(@"^@batch=h1;time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z :bob!bob@socketchat PRIVMSG #dev :before you came$", lines[2]);
        Assert.Equal(":socketchat BATCH -h1", lines[3]);
        Assert.Equal([":socketchat 353 alice = #dev :alice ~bob", ":socketchat 366 alice #dev :End of /NAMES list."], await irc.ReadLinesAsync(2));
    }

    [Fact]
    public async Task LongTextFromNc_SplitIntoLinesOfAtMost512Bytes_NothingLost()
    {
        await using var server = await StartAsync();
        await using var irc = await server.ConnectIrcAsync("alice");
        await using var nc = await server.ConnectAsAsync("bob");
        var text = string.Concat(Enumerable.Range(0, 300).Select(i => $"{i % 10}é"));

        await nc.SendAsync(text);

        var received = new System.Text.StringBuilder();
        while (received.Length < text.Length)
        {
            var line = await irc.ExpectAsync(line => line.Contains(" PRIVMSG ", StringComparison.Ordinal));
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) + 2 <= 512, line);
            received.Append(line[(line.IndexOf(" :", StringComparison.Ordinal) + 2)..]);
        }

        Assert.Equal(text, received.ToString());
    }

    [Fact]
    public async Task ControlAndBidiCharactersFromIrc_NeverReachANcTerminal()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var irc = await server.ConnectIrcAsync("alice");
        await nc.ReadLineAsync();

        await irc.SendAsync("PRIVMSG #lobby :\u0002bold\u0002 \u001b[31mred \u202Eevil");

        Assert.Equal("alice: bold [31mred <U+202E>evil", await nc.ReadLineAsync());
    }

    [Fact]
    public async Task Idle_PingedTheIrcWay_PongKeepsItConnected_SilenceClosesIt()
    {
        await using var server = await StartAsync(new() { ["Chat:Limits:IdleTimeoutSeconds"] = "1" });
        await using var irc = await server.ConnectIrcAsync("alice");

        Assert.Equal("PING :socketchat", await irc.ReadLineAsync());
        await irc.SendAsync("PONG :socketchat");
        Assert.Equal(["PING :socketchat"], await irc.ReadToEndAsync());
        await server.Log.WaitForAsync(e => e.RenderMessage() == "Client \"alice\" disconnected: \"idle timeout\"");
    }

    [Fact]
    public async Task PerAddressLimit_AppliesToIrcToo_RefusedWithAnIrcErrorLine()
    {
        await using var server = await StartAsync(new() { ["Chat:Limits:MaxConnectionsPerIp"] = "1", ["Chat:Limits:ExemptLoopback"] = "false" });
        await using var first = await server.ConnectIrcAsync("alice");

        await using var second = await TestClient.ConnectAsync(server.IrcPort);

        Assert.Equal(["ERROR :Closing link: too many connections from your address (at most 1)"], await second.ReadToEndAsync());
    }

    [Fact]
    public async Task Quit_ErrorLineThenClosed_TheRoomHearsItLeave()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await using var irc = await server.ConnectIrcAsync("alice");
        await nc.ReadLineAsync();

        await irc.SendAsync("QUIT :see you");

        Assert.Equal(["ERROR :Closing link: alice (Quit: see you)"], await irc.ReadToEndAsync());
        Assert.Equal("* alice left lobby", await nc.ReadLineAsync());
    }
}
