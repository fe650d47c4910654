using System.Text;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class IrcFuzzTests
{
    private static readonly string[] Commands =
    [
        "CAP", "PASS", "NICK", "USER", "AUTHENTICATE", "JOIN", "PART", "PRIVMSG", "NOTICE", "NAMES", "WHO", "WHOIS",
        "LIST", "TOPIC", "MODE", "AWAY", "ISON", "USERHOST", "MOTD", "LUSERS", "VERSION", "TIME", "PONG", "KICK", "WHOWAS", "INFO",
        "INVITE", "OPER", "KILL", "WALLOPS", "x",
    ];

    private static readonly string[] Pieces =
    [
        "", ":", "::", "#", "#lobby", "#dev", "#a,#b", "0", "*", "+", "-", "+i", "-i", "+b", "b", "e", "I", "LS", "302",
        "REQ", ":sasl", ":server-time -batch", "END", "LIST", "PLAIN", "AGFsaWNlAHB3", "=", "alice", "bob", "a,b",
        "\u0001ACTION x\u0001", "\u0001VERSION\u0001", "\u0001", "\u202E", "é", "💬", "\t", "\u001b[2J", "guest1",
        new string('n', 40), "server", "9x", "x!y@z", "@time=1", "\\", "\u0000",
        "+o", "-o", "+ov", "+k", "+l", "+q", "m:x", "+mnst", "-k", "1h", "999999999999d",
    ];

    [Fact]
    public async Task RandomCommandLines_FromManyIrcConnections_EveryOneAnsweredAndKept_NoConnectionFaults()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0", ["Chat:Limits:MessagesPerSecond"] = "0" });
        await using var nc = await server.ConnectAsAsync("watcher");

        var fuzzers = Enumerable.Range(0, 12).Select(seed => FuzzAsync(server, seed)).ToArray();
        var finished = await Task.WhenAll(fuzzers).WaitAsync(TimeSpan.FromSeconds(90));

        // Each lasted to its own last PING, answered, whatever it sent before.
        Assert.All(finished, last => Assert.EndsWith(" :the end", last, StringComparison.Ordinal));
        Assert.DoesNotContain(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Connection of", StringComparison.Ordinal));

        // Nothing a fuzzer said reached the nc user as a control or bidi character.
        await nc.SendAsync("/ping");
        var seen = new List<string>();
        while (await nc.ReadLineAsync() is { } line && line != "* pong")
        {
            seen.Add(line);
        }

        Assert.All(seen, line => Assert.DoesNotContain(line, c => char.IsControl(c) || c == '\u202E'));
    }

    private static async Task<string> FuzzAsync(TestServer server, int seed)
    {
        var random = new Random(seed);
        await using var irc = await TestClient.ConnectAsync(server.IrcPort);
        var reading = irc.ReadToEndAsync();

        // Half register first (so the commands reach the chat), half stay unregistered (451s, registration attempts).
        if (seed % 2 == 0)
        {
            await irc.SendAsync($"NICK fuzz{seed}");
            await irc.SendAsync($"USER fuzz{seed} 0 * :fuzz");
        }

        for (var i = 0; i < 300; i++)
        {
            var line = new StringBuilder(Commands[random.Next(Commands.Length)]);
            for (var p = random.Next(5); p > 0; p--)
            {
                line.Append(' ').Append(Pieces[random.Next(Pieces.Length)]);
            }

            await irc.SendAsync(line.ToString());
        }

        await irc.SendAsync("PING :the end");
        await irc.SendAsync("QUIT");
        var lines = await reading;
        return lines.Last(line => line.Contains(" PONG ", StringComparison.Ordinal));
    }
}
