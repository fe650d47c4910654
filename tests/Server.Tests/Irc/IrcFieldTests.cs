using System.Text;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

// What an IRC client gives besides its messages, and what it gets back, treated as message text is.
public sealed class IrcFieldTests
{
    private static Task<TestServer> StartAsync(Dictionary<string, string?>? more = null) =>
        TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" }, more);

    [Fact]
    public async Task EchoMessage_IsTheStoredText_AsEveryoneElseGotIt_NotTheRawLine()
    {
        await using var server = await StartAsync();
        await using var bob = await server.ConnectIrcAsync("bob");
        await using var alice = await server.ConnectIrcAsync("alice", "echo-message");
        await bob.ExpectAsync(line => line == ":alice!alice@socketchat JOIN #lobby");

        await alice.SendAsync("PRIVMSG #lobby :a\u001b[2Jred\rb\u0002bold\u0003");

        const string Stored = ":alice!alice@socketchat PRIVMSG #lobby :a[2Jredbbold";
        Assert.Equal(Stored, await bob.ReadLineAsync());
        Assert.Equal(Stored, await alice.ReadLineAsync());
    }

    // The echo comes with the acknowledgement itself: an acknowledgement that came before the line was noted as sent
    // lost its echo, and every later echo was shown one line late.
    [Fact]
    public async Task EchoMessage_ManyLinesAtOnce_EachEchoedAsItselfInOrder_NoticesAsNotices()
    {
        await using var server = await StartAsync(new() { ["Chat:Storage:Provider"] = "Memory", ["Chat:Limits:MessagesPerSecond"] = "0" });
        await using var alice = await server.ConnectIrcAsync("alice", "echo-message");

        var lines = Enumerable.Range(0, 300).Select(n => n % 3 == 0 ? $"NOTICE #lobby :line {n}" : $"PRIVMSG #lobby :line {n}").ToList();
        await alice.SendBytesAsync(Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\r\n"))));

        var echoes = await alice.ReadLinesAsync(lines.Count);
        Assert.Equal(lines.Select(line => $":alice!alice@socketchat {line}"), echoes);
    }

    [Fact]
    public async Task RealNameAwayPartAndQuit_InvisibleCharactersShown_RelayedLinesFit512Bytes()
    {
        await using var server = await StartAsync();
        await using var bob = await server.ConnectIrcAsync("bob");
        await using var alice = await TestClient.ConnectAsync(server.IrcPort);
        await alice.SendAsync("NICK alice");
        await alice.SendAsync("USER alice 0 * :Alice \u202Eevil\u202C");
        await alice.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
        await alice.SendAsync("JOIN #lobby");
        await alice.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
        await bob.ExpectAsync(line => line == ":alice!alice@socketchat JOIN #lobby");

        await bob.SendAsync("WHOIS alice");
        Assert.Equal(":socketchat 311 bob alice alice socketchat * :Alice <U+202E>evil<U+202C>", await bob.ReadLineAsync());
        await bob.ExpectAsync(line => line.Contains(" 318 ", StringComparison.Ordinal));

        await alice.SendAsync("AWAY :back \u202Esoon");
        await alice.ExpectAsync(line => line.Contains(" 306 ", StringComparison.Ordinal));
        await bob.SendAsync("PRIVMSG alice :there?");
        Assert.Equal(":socketchat 301 bob alice :back <U+202E>soon", await bob.ReadLineAsync());

        var reason = string.Concat(Enumerable.Repeat("\u202Cwhy ", 60));
        await alice.SendAsync($"PART #lobby :{reason}");
        var part = await bob.ReadLineAsync();
        Assert.StartsWith(":alice!alice@socketchat PART #lobby :<U+202C>why <U+202C>why ", part, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(part!) + 2 <= 512, $"{Encoding.UTF8.GetByteCount(part!) + 2} bytes");

        await alice.SendAsync("JOIN #lobby");
        await bob.ExpectAsync(line => line == ":alice!alice@socketchat JOIN #lobby");
        await alice.SendAsync($"QUIT :{new string('q', 500)}");
        var quit = await bob.ReadLineAsync();
        Assert.StartsWith(":alice!alice@socketchat QUIT :Quit: qqq", quit, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(quit!) + 2 <= 512, $"{Encoding.UTF8.GetByteCount(quit!) + 2} bytes");
    }

    [Fact]
    public async Task NotRegisteredWithinTheLoginTimeout_PingsDoNotKeepIt_ToldAndClosed()
    {
        await using var server = await StartAsync(new() { ["Chat:Auth:LoginTimeoutSeconds"] = "1" });
        await using var lingering = await TestClient.ConnectAsync(server.IrcPort);

        await lingering.SendAsync("PING :still here");
        Assert.Equal(":socketchat PONG socketchat :still here", await lingering.ReadLineAsync());

        Assert.Equal(["ERROR :Closing link: not registered within 1 s; closing"], await lingering.ReadToEndAsync());
    }

    [Fact]
    public async Task Registered_LoginTimeoutPasses_StaysConnected()
    {
        await using var server = await StartAsync(new() { ["Chat:Auth:LoginTimeoutSeconds"] = "1" });
        await using var alice = await server.ConnectIrcAsync("alice");

        await server.Log.WaitForAsync(e => e.RenderMessage().StartsWith("Client \"alice\" connected", StringComparison.Ordinal));
        await using var bob = await server.ConnectIrcAsync("bob");
        await alice.ExpectAsync(line => line == ":bob!bob@socketchat JOIN #lobby");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await alice.SendAsync("PING :kept");
        Assert.Equal(":socketchat PONG socketchat :kept", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task TooLongANotice_DroppedSilently_ATooLongPrivmsgIs417()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectIrcAsync("alice");

        await alice.SendAsync($"NOTICE #lobby :{new string('n', 600)}");
        await alice.SendAsync($"NOTICE #lobby :{new string('n', 6000)}");
        await alice.SendAsync($"@+a=b NOTICE #lobby :{new string('n', 6000)}");
        await alice.SendAsync($":alice NOTICE #lobby :{new string('n', 600)}");
        await alice.SendAsync($"PRIVMSG #lobby :{new string('p', 600)}");

        Assert.Equal(":socketchat 417 alice :Input line was too long", await alice.ReadLineAsync());
    }
}
