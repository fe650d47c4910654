using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Moderating;

// Moderation as a program (JSON) asks for it and is told of it, and from the operator console, the server itself.
public sealed class ConsoleAndJsonModerationTests
{
    private static readonly Dictionary<string, string?> ConsoleOn = new() { ["Chat:OperatorConsole"] = "Auto" };

    [Fact]
    public async Task Json_CommandsAckedWithTheirCid_EventsCarryEveryField_RefusalsAreErrorsWithCodes()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await JsonModeTests.ConnectJsonAsync(server, "alice");
        await alice.SendAsync("""{"type":"join","room":"den","cid":"j"}""");
        await alice.ExpectAsync(line => line.Contains("\"history_end\"", StringComparison.Ordinal) || line.Contains("\"action\":\"join\"", StringComparison.Ordinal));
        await alice.SendAsync("""{"type":"who","cid":"w"}""");
        Assert.Equal("""{"type":"who","room":"den","nicks":["alice"],"roles":{"alice":"owner"},"cid":"w"}""", await alice.ExpectAsync(line => line.Contains("\"who\"", StringComparison.Ordinal)));
        await using var bob = await JsonModeTests.ConnectJsonAsync(server, "bob");
        await bob.SendAsync("""{"type":"join","room":"den"}""");
        await alice.ExpectAsync(line => line.Contains("\"nick\":\"bob\",\"action\":\"join\"", StringComparison.Ordinal));

        await bob.SendAsync("""{"type":"kick","nick":"alice","cid":"k0"}""");
        Assert.Equal("""{"type":"error","code":"not_operator","message":"you are not an operator of den","cid":"k0"}""", await bob.ExpectAsync(line => line.Contains("\"error\"", StringComparison.Ordinal)));

        await alice.SendAsync("""{"type":"mute","mask":"bob","duration":"10m","cid":"m1"}""");
        var muted = await bob.ExpectAsync(line => line.Contains("\"moderation\"", StringComparison.Ordinal));
        using (var document = JsonDocument.Parse(muted))
        {
            var root = document.RootElement;
            Assert.Equal("mute", root.GetProperty("action").GetString());
            Assert.Equal("den", root.GetProperty("room").GetString());
            Assert.Equal("alice", root.GetProperty("by").GetString());
            Assert.Equal("bob!*@*", root.GetProperty("target").GetString());
            Assert.InRange(root.GetProperty("expires").GetDateTimeOffset() - root.GetProperty("ts").GetDateTimeOffset(), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
        }

        Assert.Matches("""^\{"type":"ack","cid":"m1","id":\d+,"ts":"[^"]+"\}$""", await alice.ExpectAsync(line => line.Contains("\"ack\"", StringComparison.Ordinal)));
        await bob.SendAsync("""{"type":"message","text":"hey","cid":"b1"}""");
        Assert.Equal("""{"type":"error","code":"muted","message":"you are muted in den","cid":"b1"}""", await bob.ExpectAsync(line => line.Contains("\"error\"", StringComparison.Ordinal)));

        await alice.SendAsync("""{"type":"ban","mask":"not a mask!","cid":"b2"}""");
        Assert.StartsWith("""{"type":"error","code":"bad_arguments","message":"invalid mask \"not a mask!\": use """, await alice.ExpectAsync(line => line.Contains("\"error\"", StringComparison.Ordinal)));
        await alice.SendAsync("""{"type":"ban","mask":"bob","duration":"forever","cid":"b3"}""");
        Assert.Equal("""{"type":"error","code":"bad_arguments","message":"\"duration\" must be a whole number and s, m, h, d or w (30m, 2h, 7d), at most 3650d","cid":"b3"}""", await alice.ReadLineAsync());

        await alice.SendAsync("""{"type":"topic","text":"quiet please","cid":"t1"}""");
        await bob.ExpectAsync(line => line.Contains("\"action\":\"topic\",\"text\":\"quiet please\"", StringComparison.Ordinal));
        await alice.SendAsync("""{"type":"kick","nick":"bob","reason":"enough","cid":"k1"}""");
        Assert.Matches("""^\{"type":"moderation","id":\d+,"ts":"[^"]+","room":"den","by":"alice","action":"kick","target":"bob","text":"enough"\}$""", await bob.ExpectAsync(line => line.Contains("\"kick\"", StringComparison.Ordinal)));
        await bob.SendAsync("""{"type":"message","text":"hey","cid":"b4"}""");
        Assert.Equal("""{"type":"error","code":"not_in_room","message":"you are in no room: /join ROOM first","cid":"b4"}""", await bob.ExpectAsync(line => line.Contains("\"error\"", StringComparison.Ordinal)));
        await alice.SendAsync("""{"type":"bans","cid":"l"}""");
        Assert.Equal("""{"type":"info","text":"bans and mutes in den (1):","cid":"l"}""", await alice.ExpectAsync(line => line.Contains("\"info\"", StringComparison.Ordinal)));
        Assert.Matches("""^\{"type":"info","text":"  mute bob!\*@\* by alice at \S+Z until \S+Z","cid":"l"\}$""", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Console_TopicKickMuteKillAndServerWideBan_AsTheServer()
    {
        await using var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await server.Console.Typed.WriteAsync("/topic #lobby Be kind");
        Assert.Equal("* server set the topic of lobby: Be kind", await alice.ReadLineAsync());
        await server.Console.WaitForOutputAsync(line => line == "* server set the topic of lobby: Be kind");

        await server.Console.Typed.WriteAsync("/kick bob");
        await server.Console.WaitForOutputAsync(line => line == "! error: name the room: #ROOM first");
        await server.Console.Typed.WriteAsync("/mute bob");
        Assert.Equal("* server muted bob!*@* on this server", await server.Console.WaitForOutputAsync(line => line.Contains("muted", StringComparison.Ordinal)));
        await bob.SendAsync("hello?");
        Assert.Equal("! error: you are muted on this server", await bob.ExpectAsync(line => line.StartsWith('!')));
        await server.Console.Typed.WriteAsync("/unmute bob");
        await server.Console.WaitForOutputAsync(line => line == "* server unmuted bob!*@* on this server");

        await server.Console.Typed.WriteAsync("/kick #lobby bob out");
        Assert.Equal("* bob was kicked from lobby by server: out", await alice.ExpectAsync(line => line.Contains("kicked", StringComparison.Ordinal)));
        await server.Console.Typed.WriteAsync("/kill bob enough");
        Assert.Equal("! error: killed by server: enough", await bob.ExpectAsync(line => line.StartsWith('!')));
        await bob.DrainUntilClosedAsync();

        await server.Console.Typed.WriteAsync("/ban 127.0.0.1 1h");
        Assert.Equal("! error: banned from this server by server", await alice.ExpectAsync(line => line.StartsWith('!')));
        await alice.DrainUntilClosedAsync();
        await using var again = await server.ConnectAsync();
        Assert.Matches(@"^! error: you are banned from this server until \S+Z$", await again.ReadLineAsync());
        await again.DrainUntilClosedAsync();
        await server.Console.Typed.WriteAsync("/bans");
        await server.Console.WaitForOutputAsync(line => line.StartsWith("*   ban *!*@127.0.0.1 by server at ", StringComparison.Ordinal));
    }
}
