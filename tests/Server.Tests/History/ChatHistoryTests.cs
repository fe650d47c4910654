using System.Text.RegularExpressions;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.History;

// History asked for: IRC draft/chathistory by id and time, JSON history by time and forward, text /history
// before and after.
public sealed partial class ChatHistoryTests
{
    private const string Caps = "draft/chathistory batch server-time message-tags";

    [Fact]
    public async Task ChatHistory_LatestBeforeAfterAroundBetween_ByIdAndTime_OneBatchEach_NoReplayOnJoining()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var nc = await server.ConnectAsAsync("bob");
        for (var i = 1; i <= 30; i++)
        {
            await nc.SendAsync($"line {i}");
        }

        await server.WaitUntilStoredAsync("line 30");

        // A client that asks for history itself is not sent it on joining.
        await using var alice = await server.ConnectIrcAsync("alice", Caps, join: null);
        await alice.SendAsync("JOIN #lobby");
        Assert.Equal(":alice!alice@socketchat JOIN #lobby", await alice.ReadLineAsync());
        Assert.StartsWith(":socketchat 353 alice = #lobby :", await alice.ReadLineAsync());
        Assert.Equal(":socketchat 366 alice #lobby :End of /NAMES list.", await alice.ReadLineAsync());

        var latest = await QueryAsync(alice, "LATEST #lobby * 5");
        Assert.Equal(["line 26", "line 27", "line 28", "line 29", "line 30"], latest.Select(line => line.Text));
        var id26 = latest[0].Id;
        Assert.Equal(["line 23", "line 24", "line 25"], (await QueryAsync(alice, $"BEFORE #lobby msgid={id26} 3")).Select(line => line.Text));
        Assert.Equal(["line 27", "line 28"], (await QueryAsync(alice, $"AFTER #lobby msgid={id26} 2")).Select(line => line.Text));
        Assert.Equal(["line 24", "line 25", "line 26", "line 27"], (await QueryAsync(alice, $"AROUND #lobby msgid={id26} 4")).Select(line => line.Text));
        Assert.Equal(["line 27", "line 28", "line 29"], (await QueryAsync(alice, $"BETWEEN #lobby msgid={id26} msgid={latest[4].Id} 10")).Select(line => line.Text));
        Assert.Equal(["line 28", "line 29"], (await QueryAsync(alice, $"BETWEEN #lobby msgid={latest[4].Id} msgid={id26} 2")).Select(line => line.Text));
        Assert.Equal(["line 30"], (await QueryAsync(alice, $"LATEST #lobby msgid={latest[3].Id} 10")).Select(line => line.Text));

        // By time: before the first line's time is nothing; after it, the rest.
        var first = (await QueryAsync(alice, $"BEFORE #lobby msgid={id26} 25"))[0];
        Assert.Equal("line 1", first.Text);
        Assert.Empty(await QueryAsync(alice, $"BEFORE #lobby timestamp={first.Time} 10"));
        Assert.Equal("line 1", (await QueryAsync(alice, $"AFTER #lobby timestamp={DateTimeOffset.Parse(first.Time, System.Globalization.CultureInfo.InvariantCulture).AddMilliseconds(-1):yyyy-MM-dd'T'HH:mm:ss.fff'Z'} 1"))[0].Text);

        // TARGETS: the channels with history in the time range.
        await alice.SendAsync($"CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2999-01-01T00:00:00.000Z 10");
        Assert.Matches(@"^:socketchat BATCH \+(\S+) draft/chathistory-targets$", await alice.ReadLineAsync());
        Assert.Matches(@"^@batch=\S+ :socketchat CHATHISTORY TARGETS #lobby \d{4}-\d\d-\d\dT[\d:.]+Z$", await alice.ReadLineAsync());
        Assert.Matches(@"^:socketchat BATCH -\S+$", await alice.ReadLineAsync());

        // Mistakes: FAIL with what is expected; a channel it is not in is not its to read.
        await alice.SendAsync("CHATHISTORY LATEST #lobby * 0");
        Assert.Equal(":socketchat FAIL CHATHISTORY INVALID_PARAMS LATEST :Expected CHATHISTORY LATEST TARGET REFERENCE LIMIT, a limit from 1 to 500", await alice.ReadLineAsync());
        await alice.SendAsync("CHATHISTORY BEFORE #lobby * 5");
        Assert.StartsWith(":socketchat FAIL CHATHISTORY INVALID_PARAMS BEFORE :Expected a reference is msgid=ID", await alice.ReadLineAsync());
        await alice.SendAsync("CHATHISTORY LATEST #dev * 5");
        Assert.Equal(":socketchat FAIL CHATHISTORY INVALID_TARGET LATEST #dev :You are not on that channel", await alice.ReadLineAsync());
        await alice.SendAsync("CHATHISTORY SIDEWAYS #lobby * 5");
        Assert.Equal(":socketchat FAIL CHATHISTORY INVALID_PARAMS SIDEWAYS :Unknown subcommand: LATEST, BEFORE, AFTER, AROUND, BETWEEN or TARGETS", await alice.ReadLineAsync());

        // Without the capability, the command is not there; joining replays history as before.
        await using var carol = await server.ConnectIrcAsync("carol", "server-time", join: null);
        await carol.SendAsync("CHATHISTORY LATEST #lobby * 5");
        Assert.Equal(":socketchat 421 carol CHATHISTORY :Unknown command (negotiate draft/chathistory first)", await carol.ReadLineAsync());
    }

    [Fact]
    public async Task ChatHistory_PagedBackThroughAThousandLines_EachOnceInOrder_APrivateConversationItsTwoPartiesAlone()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var nc = await server.ConnectAsAsync("bob");
        for (var i = 1; i <= 1000; i++)
        {
            await nc.SendAsync($"line {i}");
        }

        await server.WaitUntilStoredAsync("line 1000");
        await using var alice = await server.ConnectIrcAsync("alice", Caps);

        // Back a page at a time, each page before the oldest of the last: all thousand, once, in order.
        var all = new List<(string Text, long Id, string Time)>();
        var page = await QueryAsync(alice, "LATEST #lobby * 100");
        while (page.Count > 0)
        {
            all.InsertRange(0, page);
            page = await QueryAsync(alice, $"BEFORE #lobby msgid={page[0].Id} 100");
        }

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => $"line {i}"), all.Select(line => line.Text));
        Assert.Equal(all.Select(line => line.Id).Order(), all.Select(line => line.Id));

        // A private conversation: asked for by the other party's nickname, by either of the two, and nobody else.
        await nc.SendAsync("/msg alice just between us");
        await alice.ExpectAsync(line => line.EndsWith("PRIVMSG alice :just between us", StringComparison.Ordinal));
        await alice.SendAsync("PRIVMSG bob :agreed");
        await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith(": \"agreed\"", StringComparison.Ordinal));
        await using var carol = await server.ConnectIrcAsync("carol", Caps, join: null);
        await nc.SendAsync("/msg carol not for alice");
        await carol.ExpectAsync(line => line.EndsWith("PRIVMSG carol :not for alice", StringComparison.Ordinal));

        Assert.Equal(
            [("bob", "alice", "just between us"), ("alice", "bob", "agreed")],
            (await PrivateAsync(alice, "LATEST bob * 10", "bob")).Select(line => (line.From, line.To, line.Text)));
        Assert.Equal(
            [("bob", "carol", "not for alice")],
            (await PrivateAsync(carol, "LATEST bob * 10", "bob")).Select(line => (line.From, line.To, line.Text)));
        Assert.Empty(await PrivateAsync(carol, "LATEST alice * 10", "alice"));

        // TARGETS names the conversation beside the channel.
        await alice.SendAsync("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2999-01-01T00:00:00.000Z 10");
        var targets = await alice.ReadLinesAsync(4);
        Assert.Matches(@"^@batch=\S+ :socketchat CHATHISTORY TARGETS #lobby \S+$", targets[1]);
        Assert.Matches(@"^@batch=\S+ :socketchat CHATHISTORY TARGETS bob \S+$", targets[2]);
    }

    // A private conversation's batch: who sent each line to whom, and what.
    private static async Task<List<(string From, string To, string Text)>> PrivateAsync(TestClient irc, string request, string target)
    {
        await irc.SendAsync($"CHATHISTORY {request}");
        var start = (await irc.ReadLineAsync())!;
        Assert.Matches($@"^:socketchat BATCH \+(\S+) chathistory {target}$", start);
        var name = start.Split(' ')[2][1..];
        var found = new List<(string, string, string)>();
        while (await irc.ReadLineAsync() is { } line && line != $":socketchat BATCH -{name}")
        {
            var said = Regex.Match(line, @"^@batch=[^ ]+ :(?<from>[^!]+)!\S+ PRIVMSG (?<to>\S+) :(?<text>.*)$");
            Assert.True(said.Success, line);
            found.Add((said.Groups["from"].Value, said.Groups["to"].Value, said.Groups["text"].Value));
        }

        return found;
    }

    [Fact]
    public async Task JsonHistory_ByTimeAndForward_TextHistoryBeforeAndAfter()
    {
        await using var server = await TestServer.StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        for (var i = 1; i <= 10; i++)
        {
            await nc.SendAsync($"n{i}");
        }

        await server.WaitUntilStoredAsync("n10");
        await using var json = await JsonModeTests.ConnectJsonAsync(server, "alice");
        await nc.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));
        await json.SendAsync("""{"type":"history","limit":3,"after":0,"forward":true,"cid":"f"}""");
        var forward = await ReadHistoryAsync(json, "f");
        Assert.Equal(["n1", "n2", "n3"], forward.Select(m => m.Text));
        await json.SendAsync($$"""{"type":"history","limit":50,"before_ts":"{{forward[0].Ts}}","cid":"t"}""");
        Assert.Empty(await ReadHistoryAsync(json, "t"));
        await json.SendAsync($$"""{"type":"history","limit":2,"after_ts":"{{forward[0].Ts}}","forward":true,"cid":"t2"}""");
        Assert.All(await ReadHistoryAsync(json, "t2"), m => Assert.NotEqual("n1", m.Text));
        await json.SendAsync("""{"type":"history","before_ts":"yesterday","cid":"bad"}""");
        Assert.Equal("""{"type":"error","code":"bad_arguments","message":"\"before_ts\" and \"after_ts\" must be ISO 8601 times (2026-12-01T10:00:00Z)","cid":"bad"}""", await json.ExpectAsync(line => line.Contains("\"error\"", StringComparison.Ordinal)));

        // A private conversation, by the other party's name; the asker's own lines marked as its own.
        await nc.SendAsync("/msg alice between us");
        await json.ExpectAsync(line => line.Contains("between us", StringComparison.Ordinal));
        await json.SendAsync("""{"type":"private","to":"bob","text":"yes"}""");
        await nc.ExpectAsync(line => line == "[private] alice: yes");
        await json.SendAsync("""{"type":"history","with":"bob","cid":"w"}""");
        Assert.Matches("""^\{"type":"private",.*"from":"bob","to":"alice","text":"between us","history":true\}$""", await json.ExpectAsync(line => line.Contains("\"history\":true", StringComparison.Ordinal)));
        Assert.Matches("""^\{"type":"private",.*"from":"alice","to":"bob","text":"yes","own":true,"history":true\}$""", await json.ReadLineAsync());
        Assert.Equal("""{"type":"history_end","room":"bob","count":2,"cid":"w"}""", await json.ReadLineAsync());
        await nc.SendAsync("/history with alice 1");
        Assert.Equal(["[history] [private] alice: yes", "* end of history (1 message)"], await nc.ReadLinesAsync(2));

        await nc.SendAsync($"/history after {forward[2].Id} 2");
        Assert.Equal(["[history] bob: n4", "[history] bob: n5", "* end of history (2 messages)"], await nc.ReadLinesAsync(3));
        await nc.SendAsync($"/history before {forward[2].Id} 5");
        Assert.Equal(["[history] bob: n1", "[history] bob: n2", "* end of history (2 messages)"], await nc.ReadLinesAsync(3));
    }

    private static async Task<List<(string Text, long Id, string Ts)>> ReadHistoryAsync(TestClient json, string cid)
    {
        var found = new List<(string, long, string)>();
        while (true)
        {
            var line = await json.ReadLineAsync() ?? throw new InvalidOperationException("closed");
            using var document = System.Text.Json.JsonDocument.Parse(line);
            var root = document.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "message" when root.TryGetProperty("history", out _):
                    found.Add((root.GetProperty("text").GetString()!, root.GetProperty("id").GetInt64(), root.GetProperty("ts").GetString()!));
                    break;
                case "history_end" when root.GetProperty("cid").GetString() == cid:
                    return found;
            }
        }
    }

    // One CHATHISTORY request's batch: its messages' text, id and time.
    private static async Task<List<(string Text, long Id, string Time)>> QueryAsync(TestClient irc, string request)
    {
        await irc.SendAsync($"CHATHISTORY {request}");
        var start = Batch().Match((await irc.ReadLineAsync())!);
        Assert.True(start.Success);
        var name = start.Groups[1].Value;
        var found = new List<(string, long, string)>();
        while (await irc.ReadLineAsync() is { } line && line != $":socketchat BATCH -{name}")
        {
            var said = Said().Match(line);
            Assert.True(said.Success, line);
            Assert.Equal(name, said.Groups["batch"].Value);
            found.Add((said.Groups["text"].Value, long.Parse(said.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), said.Groups["time"].Value));
        }

        return found;
    }

    [GeneratedRegex(@"^:socketchat BATCH \+(\S+) chathistory #lobby$")]
    private static partial Regex Batch();

    [GeneratedRegex(@"^@batch=(?<batch>[^;]+);time=(?<time>[^;]+);msgid=(?<id>\d+) :bob!bob@socketchat PRIVMSG #lobby :(?<text>.*)$")]
    private static partial Regex Said();
}
