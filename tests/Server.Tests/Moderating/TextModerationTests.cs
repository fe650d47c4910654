using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Moderating;

// Moderation from nc and telnet: the first in a new room owns it; topics, kicks, bans, mutes, roles and modes.
public sealed class TextModerationTests
{
    [Fact]
    public async Task FirstToJoinOwnsTheRoom_TopicKickBan_AndANonOperatorIsRefused()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");

        await alice.SendAsync("/join den");
        await alice.ExpectAsync(line => line == "* alice joined den");
        await alice.SendAsync("/who");
        Assert.Equal("* den (1): ~alice", await alice.ReadLineAsync());
        await bob.SendAsync("/join den");
        await bob.ExpectAsync(line => line == "* bob joined den");
        await alice.ExpectAsync(line => line == "* bob joined den");

        // Bob is no operator: his topic and kick are refused and nothing changes.
        await bob.SendAsync("/topic mine now");
        Assert.Equal("! error: you are not an operator of den", await bob.ReadLineAsync());
        await bob.SendAsync("/kick alice");
        Assert.Equal("! error: you are not an operator of den", await bob.ReadLineAsync());

        await alice.SendAsync("/topic Welcome to the den");
        Assert.Equal("* alice set the topic of den: Welcome to the den", await alice.ReadLineAsync());
        Assert.Equal("* alice set the topic of den: Welcome to the den", await bob.ReadLineAsync());
        await bob.SendAsync("/who");
        Assert.Equal("* den (2): ~alice, bob; topic: Welcome to the den", await bob.ReadLineAsync());

        await alice.SendAsync("/kick bob enough");
        Assert.Equal("* bob was kicked from den by alice: enough", await alice.ReadLineAsync());
        Assert.Equal("* bob was kicked from den by alice: enough", await bob.ReadLineAsync());
        await bob.SendAsync("still here?");
        Assert.Equal("! error: you are in no room: /join ROOM first", await bob.ReadLineAsync());

        // Rejoining shows the topic; a ban removes him and keeps him out.
        await bob.SendAsync("/join den");
        await bob.ExpectAsync(line => line == "* bob joined den");
        Assert.Equal("* topic of den: Welcome to the den (set by alice)", await bob.ReadLineAsync());
        Assert.Equal("[history] * alice set the topic of den: Welcome to the den", await bob.ReadLineAsync());
        Assert.Equal("[history] * bob was kicked from den by alice: enough", await bob.ReadLineAsync());
        await alice.ExpectAsync(line => line == "* bob joined den");
        await alice.SendAsync("/ban bob 1h");
        var banned = await alice.ReadLineAsync();
        Assert.Matches(@"^\* alice banned bob!\*@\* from den until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", banned);
        Assert.Equal("* bob was kicked from den by alice: banned", await alice.ReadLineAsync());
        await bob.ExpectAsync(line => line == "* bob was kicked from den by alice: banned");
        await bob.SendAsync("/join den");
        Assert.Equal("! error: you are banned from den", await bob.ReadLineAsync());

        await alice.SendAsync("/unban bob");
        Assert.Equal("* alice lifted the ban on bob!*@* in den", await alice.ReadLineAsync());
        await bob.SendAsync("/join den");
        await bob.ExpectAsync(line => line == "* bob joined den");
    }

    [Fact]
    public async Task MuteAndModerated_MemberReadsButCannotSpeak_UntilVoicedOrUnmuted()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.SendAsync("/join den");
        await alice.ExpectAsync(line => line == "* alice joined den");
        await bob.SendAsync("/join den");
        await alice.ExpectAsync(line => line == "* bob joined den");

        await alice.SendAsync("/mute bob");
        Assert.Equal("* alice muted bob!*@* in den", await alice.ReadLineAsync());
        await bob.ExpectAsync(line => line == "* alice muted bob!*@* in den");
        await bob.SendAsync("let me speak");
        Assert.Equal("! error: you are muted in den", await bob.ReadLineAsync());
        await bob.SendAsync("please");
        Assert.Equal("! error: you are muted in den", await bob.ReadLineAsync());
        await alice.SendAsync("still reading?");
        Assert.Equal("alice: still reading?", await bob.ReadLineAsync());

        await alice.SendAsync("/unmute bob");
        await bob.ExpectAsync(line => line == "* alice unmuted bob!*@* in den");
        await alice.SendAsync("/mode +m");
        Assert.Equal("* alice set mode +m on den", await bob.ReadLineAsync());
        await bob.SendAsync("now?");
        Assert.Equal("! error: den is moderated: only members with a voice can speak", await bob.ReadLineAsync());
        await alice.SendAsync("/voice bob");
        Assert.Equal("* alice gave bob a voice in den", await bob.ReadLineAsync());
        await bob.SendAsync("thanks");
        await alice.ExpectAsync(line => line == "bob: thanks");
        await alice.SendAsync("/who");
        Assert.Equal("* den (2): ~alice, +bob", await alice.ExpectAsync(line => line.StartsWith("* den (", StringComparison.Ordinal)));
        await alice.SendAsync("/mode");
        Assert.Equal("* den modes: +mnt", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task InviteOnlyKeyAndLimit_RefuseWithWhatIsNeeded()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.SendAsync("/join den");
        await alice.ExpectAsync(line => line == "* alice joined den");

        await alice.SendAsync("/mode +i");
        await alice.ExpectAsync(line => line == "* alice set mode +i on den");
        await bob.SendAsync("/join den");
        Assert.Equal("! error: den is invite-only: an operator must /invite you", await bob.ExpectAsync(line => line.StartsWith('!')));
        await alice.SendAsync("/invite bob");
        Assert.Equal("* alice invited bob to den", await alice.ReadLineAsync());
        Assert.Equal("* invited bob to den", await alice.ReadLineAsync());
        Assert.Equal("* alice invited bob to den", await bob.ReadLineAsync());
        await bob.SendAsync("/join den");
        await bob.ExpectAsync(line => line == "* bob joined den");
        await bob.SendAsync("/join lobby");
        await bob.ExpectAsync(line => line == "* bob joined lobby");

        await alice.SendAsync("/mode -i+k sesame");
        await alice.ExpectAsync(line => line == "* alice set mode +k sesame on den");
        await using var carol = await server.ConnectAsAsync("carol");
        await carol.SendAsync("/join den");
        Assert.Equal("! error: den needs a key: /join den KEY", await carol.ExpectAsync(line => line.StartsWith('!')));
        await carol.SendAsync("/join den sesame");
        await carol.ExpectAsync(line => line == "* carol joined den");

        await alice.SendAsync("/mode -k+l 2");
        await alice.ExpectAsync(line => line == "* alice set mode +l 2 on den");
        await using var dave = await server.ConnectAsAsync("dave");
        await dave.SendAsync("/join den");
        Assert.Equal("! error: den is full (2 members)", await dave.ExpectAsync(line => line.StartsWith('!')));
    }

    [Fact]
    public async Task BadMaskDurationAndModes_AreRefusedWithWhatIsAllowed()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await alice.SendAsync("/join den");
        await alice.ExpectAsync(line => line == "* alice joined den");

        await alice.SendAsync("/ban bob 5y");
        Assert.Equal("! error: invalid duration \"5y\": use a whole number and s, m, h, d or w (30m, 2h, 7d), at most 3650d", await alice.ReadLineAsync());
        await alice.SendAsync("/ban b@d@mask");
        Assert.StartsWith("! error: invalid mask \"b@d@mask\": use a nickname", await alice.ReadLineAsync());
        await alice.SendAsync("/mode +x");
        Assert.Equal("! error: invalid mode change \"+x\": + or - then i, m, n, s, t, k KEY, l COUNT (+ only), o/v/q NICK, b [MASK]", await alice.ReadLineAsync());
        await alice.SendAsync("/kick");
        Assert.Equal("! error: usage: /kick [#ROOM] NICK [REASON]", await alice.ReadLineAsync());
        await alice.SendAsync("/kill bob");
        Assert.Equal("! error: only server operators can /kill", await alice.ReadLineAsync());
        await alice.SendAsync("/ban --server bob");
        Assert.Equal("! error: only server operators can ban or mute server-wide", await alice.ReadLineAsync());
        await alice.SendAsync("/unban carol");
        Assert.Equal("! error: carol!*@* is not banned in den", await alice.ReadLineAsync());
    }

    // Weakness 11: a room's operator could store 2,000 MODE +m/-m a second, each kept for ever.
    [Fact]
    public async Task ModerationChanges_BeyondTheirPace_RefusedUnmade_TheRoomStillUsable()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await alice.SendAsync("/join den");
        await alice.ExpectAsync(line => line == "* alice joined den");
        for (var n = 0; n < 10; n++)
        {
            await alice.SendAsync(n % 2 == 0 ? "/mode +m" : "/mode -m");
            Assert.Equal($"* alice set mode {(n % 2 == 0 ? "+m" : "-m")} on den", await alice.ExpectAsync(line => line.StartsWith("* alice set", StringComparison.Ordinal) || line.StartsWith('!')));
        }

        await alice.SendAsync("/mode +m");
        Assert.Equal("! error: too many moderation changes: at most 60 a minute (10 at once); this one was not made", await alice.ReadLineAsync());
        await alice.SendAsync("/mode");
        Assert.Equal("* den modes: +nt", await alice.ReadLineAsync());
        await alice.SendAsync("still speaking");
        await server.WaitUntilStoredAsync("still speaking");
    }

    [Fact]
    public async Task BannedByAddress_RefusedUnderANewNickname_TheOperatorItMatchesStays()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await alice.SendAsync("/join den");
        await alice.SendAsync("/who");
        await alice.ExpectAsync(line => line == "* den (1): ~alice");
        await using (var bob = await server.ConnectAsAsync("bob"))
        {
            await bob.SendAsync("/join den");
            await alice.ExpectAsync(line => line == "* bob joined den");
            await alice.SendAsync("/ban 127.0.0.1");
            Assert.Equal("* alice banned *!*@127.0.0.1 from den", await alice.ReadLineAsync());
            Assert.Equal("* bob was kicked from den by alice: banned", await alice.ReadLineAsync());
        }

        await using var again = await server.ConnectAsAsync("robert");
        await again.SendAsync("/join den");
        Assert.Equal("! error: you are banned from den", await again.ExpectAsync(line => line.StartsWith('!')));
        await alice.SendAsync("still mine");
        await alice.SendAsync("/who");
        Assert.Equal("* den (1): ~alice", await alice.ExpectAsync(line => line.StartsWith("* den (", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BannedByAccount_RefusedOnLoggingInAgain_AnOperatorAccountIsAServerOperatorAtOnce()
    {
        using var data = new TempDirectory();
        SocketChat.Server.Accounts.UsersFile.Write(data.File("users.txt"), new[]
        {
            new SocketChat.Server.Accounts.UserAccount("root", SocketChat.Server.Accounts.PasswordHasher.Hash("root-password"), Operator: true),
            new SocketChat.Server.Accounts.UserAccount("mallory", SocketChat.Server.Accounts.PasswordHasher.Hash("mallory-password")),
        });
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = data.Path });
        await using var root = await LogInAsync(server, "root", "root-password");
        await root.SendAsync("/ban --server $a:mallory");
        Assert.Equal("* root banned $a:mallory from this server", await root.ReadLineAsync());

        await using var mallory = await server.ConnectAsync();
        await mallory.ReadLineAsync();
        await mallory.SendAsync("/login mallory mallory-password");
        Assert.Equal("! error: you are banned from this server", await mallory.ReadLineAsync());
        await mallory.DrainUntilClosedAsync();
    }

    private static async Task<TestClient> LogInAsync(TestServer server, string name, string password)
    {
        var client = await server.ConnectAsync();
        await client.ReadLineAsync();
        await client.SendAsync($"/login {name} {password}");
        Assert.Equal($"* welcome to SocketChat, {name}! You are in lobby. Type /help for commands.", await client.ReadLineAsync());
        return client;
    }
}
