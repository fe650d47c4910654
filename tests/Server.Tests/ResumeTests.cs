using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class ResumeTests
{
    [Fact]
    public async Task Resume_AfterDrop_SameNickAndRoomWithMissedMessagesAsHistory()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        var (token, _) = await DropJsonClientAsync(server, "alice", bob);
        await bob.SendAsync("missed one");
        await bob.SendAsync("missed two");
        await server.WaitUntilStoredAsync("missed two");

        await using var back = await server.ConnectAsync();
        await back.SendAsync($"/json resume {token} 0");

        Assert.Equal($$"""{"type":"welcome","nick":"alice","room":"lobby","protocol":1,"token":"{{token}}","resumed":true}""", await back.ExpectAsync(line => line.StartsWith('{')));
        Assert.Equal(("bob", "missed one", true), Message(await back.ReadLineAsync()));
        Assert.Equal(("bob", "missed two", true), Message(await back.ReadLineAsync()));
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());
        await bob.SendAsync("live again");
        Assert.Equal(("bob", "live again", false), Message(await back.ReadLineAsync()));
    }

    [Fact]
    public async Task Resume_LastIdGiven_OnlyLaterMessagesReplayed()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        var (token, lastSeen) = await DropJsonClientAsync(server, "alice", bob, bobSaysBeforeDrop: "seen before");
        await bob.SendAsync("missed");
        await server.WaitUntilStoredAsync("missed");

        await using var back = await server.ConnectAsync();
        await back.SendAsync($"/json resume {token} {lastSeen}");
        await back.ExpectAsync(line => line.StartsWith('{'));

        Assert.Equal(("bob", "missed", true), Message(await back.ReadLineAsync()));
        await back.SendAsync("""{"type":"who"}""");
        Assert.Equal("""{"type":"who","room":"lobby","nicks":["alice","bob"]}""", await back.ReadLineAsync());
    }

    [Fact]
    public async Task Resume_ResentClientId_AcknowledgedAgainAndNotDeliveredTwice()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var alice = await JsonModeTests.ConnectJsonAsync(server, "alice");
        var token = TokenOf(alice);
        await bob.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));
        await alice.SendAsync("""{"type":"message","cid":"c1","text":"only once"}""");
        var firstAck = await alice.ReadLineAsync();
        Assert.Equal("alice: only once", await bob.ReadLineAsync());
        await alice.DisposeAsync();
        Assert.Equal("* alice left lobby", await bob.ReadLineAsync());

        await using var back = await server.ConnectAsync();
        await back.SendAsync($"/json resume {token} 0");
        await back.ExpectAsync(line => line.StartsWith('{'));
        await back.SendAsync("""{"type":"message","cid":"c1","text":"only once"}""");
        await back.SendAsync("""{"type":"message","cid":"c2","text":"new line"}""");

        Assert.Equal(firstAck, await back.ReadLineAsync());
        Assert.StartsWith("""{"type":"ack","cid":"c2",""", await back.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());
        Assert.Equal("alice: new line", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task ClientIdReused_ForOtherContent_RefusedNotFalselyAcknowledged_TrueResendStillAcknowledged()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var carol = await server.ConnectAsAsync("carol");
        await using var alice = await JsonModeTests.ConnectJsonAsync(server, "alice");
        await bob.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));
        await carol.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));
        await alice.SendAsync("""{"type":"message","cid":"c1","text":"first"}""");
        var firstAck = await alice.ReadLineAsync();
        await alice.SendAsync("""{"type":"private","cid":"p1","to":"bob","text":"psst"}""");
        var privateAck = await alice.ReadLineAsync();

        await alice.SendAsync("""{"type":"message","cid":"c1","text":"second"}""");
        await alice.SendAsync("""{"type":"private","cid":"p1","to":"carol","text":"psst"}""");
        await alice.SendAsync("""{"type":"private","cid":"c1","to":"bob","text":"first"}""");
        await alice.SendAsync("""{"type":"message","cid":"c1","text":"first"}""");
        await alice.SendAsync("""{"type":"private","cid":"p1","to":"BOB","text":"psst"}""");

        Assert.Equal("""{"type":"error","code":"cid_reused","message":"client id c1 was already used for another message (id 1); give every message its own","cid":"c1"}""", await alice.ReadLineAsync());
        Assert.Equal("""{"type":"error","code":"cid_reused","message":"client id p1 was already used for another message (id 2); give every message its own","cid":"p1"}""", await alice.ReadLineAsync());
        Assert.Equal("""{"type":"error","code":"cid_reused","message":"client id c1 was already used for another message (id 1); give every message its own","cid":"c1"}""", await alice.ReadLineAsync());
        Assert.Equal(firstAck, await alice.ReadLineAsync());
        Assert.Equal(privateAck, await alice.ReadLineAsync());
        await alice.SendAsync("""{"type":"message","cid":"c3","text":"end"}""");
        Assert.Equal(["alice: first", "[private] alice: psst", "alice: end"], await bob.ReadLinesAsync(3));
        Assert.Equal(["alice: first", "alice: end"], await carol.ReadLinesAsync(2));
    }

    [Fact]
    public async Task ClientIdReused_AfterARestart_ComparedWithTheStoredMessage()
    {
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Chat:DataDirectory"] = data.Path };
        string token;
        string firstAck;
        await using (var first = await TestServer.StartAsync(settings))
        {
            await using var alice = await JsonModeTests.ConnectJsonAsync(first, "alice");
            token = TokenOf(alice);
            await alice.SendAsync("""{"type":"message","cid":"c1","text":"before the restart"}""");
            firstAck = (await alice.ReadLineAsync())!;
        }

        await using var second = await TestServer.StartAsync(settings);
        await using var back = await second.ConnectAsync();
        await back.SendAsync($"/json resume {token} 0");
        await back.ExpectAsync(line => line.Contains("\"resumed\":true", StringComparison.Ordinal));

        await back.SendAsync("""{"type":"message","cid":"c1","text":"after the restart"}""");
        await back.SendAsync("""{"type":"message","cid":"c1","text":"before the restart"}""");

        Assert.Equal("""{"type":"error","code":"cid_reused","message":"client id c1 was already used for another message (id 1); give every message its own","cid":"c1"}""", await back.ReadLineAsync());
        Assert.Equal(firstAck, await back.ReadLineAsync());
    }

    [Fact]
    public async Task Resume_WhileParked_NicknameReserved()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await DropJsonClientAsync(server, "alice", bob);

        await bob.SendAsync("/nick alice");

        Assert.Equal("! error: nickname alice is already taken", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Resume_UnknownToken_ErrorThenNewGuest()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync("/json resume bogus 0");

        // The text greeting may come first on a slow machine; a JSON client skips lines until the first object.
        Assert.Equal("""{"type":"error","code":"resume_failed","message":"cannot resume: the token is unknown or has expired; continuing as a new guest"}""", await client.ExpectAsync(line => line.StartsWith('{')));
        Assert.Matches("""^\{"type":"welcome","nick":"guest1","room":"lobby","protocol":1,"token":"[A-Za-z0-9_-]{22}"\}$""", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Resume_AfterQuit_Refused()
    {
        await using var server = await TestServer.StartAsync();
        string token;
        await using (var alice = await JsonModeTests.ConnectJsonAsync(server, "alice"))
        {
            token = TokenOf(alice);
            await alice.SendAsync("""{"type":"quit"}""");
            await alice.ReadToEndAsync();
        }

        await using var back = await server.ConnectAsync();
        await back.SendAsync($"/json resume {token} 0");

        Assert.Contains("resume_failed", await back.ExpectAsync(line => line.StartsWith('{')), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_WhileOldConnectionStillOpen_ReplacesIt()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var old = await JsonModeTests.ConnectJsonAsync(server, "alice");
        var token = TokenOf(old);
        await bob.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));

        await using var back = await server.ConnectAsync();
        await back.SendAsync($"/json resume {token} 0");

        Assert.Contains("\"resumed\":true", await back.ExpectAsync(line => line.StartsWith('{')), StringComparison.Ordinal);
        Assert.Empty(await old.ReadToEndAsync());
        await bob.SendAsync("/who");
        Assert.Equal("* lobby (2): alice, bob", await bob.ExpectAsync(line => line.StartsWith("* lobby", StringComparison.Ordinal)));
    }

    // Connects a JSON client as nick, optionally lets it see one line from bob, then drops it without /quit.
    private static async Task<(string Token, long LastSeen)> DropJsonClientAsync(TestServer server, string nick, TestClient bob, string? bobSaysBeforeDrop = null)
    {
        var client = await JsonModeTests.ConnectJsonAsync(server, nick);
        var token = TokenOf(client);
        await bob.ExpectAsync(line => line.EndsWith($"is now known as {nick}", StringComparison.Ordinal));
        long lastSeen = 0;
        if (bobSaysBeforeDrop is not null)
        {
            await bob.SendAsync(bobSaysBeforeDrop);
            using var seen = JsonDocument.Parse(await client.ReadLineAsync() ?? "");
            lastSeen = seen.RootElement.GetProperty("id").GetInt64();
        }

        await client.DisposeAsync();
        Assert.Equal($"* {nick} left lobby", await bob.ReadLineAsync());
        return (token, lastSeen);
    }

    private static string TokenOf(TestClient client) => client.Token ?? throw new InvalidOperationException("not a JSON client");

    private static (string From, string Text, bool History) Message(string? line)
    {
        using var document = JsonDocument.Parse(line ?? "");
        var root = document.RootElement;
        Assert.Equal("message", root.GetProperty("type").GetString());
        return (root.GetProperty("from").GetString()!, root.GetProperty("text").GetString()!, root.TryGetProperty("history", out var history) && history.GetBoolean());
    }
}
