using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class FuzzTests
{
    [Fact]
    public async Task RandomBytes_FromManyConnections_ServerStaysUpAndNothingHarmfulReachesAnyone()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:MaxLineBytes"] = "256" });
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        // One after the other: two connections' joins have no order between them.
        await alice.SendAsync("/join quiet");
        await alice.ExpectAsync(line => line == "* alice joined quiet");
        await bob.SendAsync("/join quiet");
        await bob.ExpectAsync(line => line == "* bob joined quiet");
        await alice.ExpectAsync(line => line == "* bob joined quiet");

        // 20 connections each send 32 KB of random bytes (newline-rich) in random pieces, and 10 JSON-mode ones
        // objects full of escapes (surrogate halves among them), and read what comes back.
        var fuzzers = Enumerable.Range(0, 20).Select(seed => FuzzAsync(server.Port, RandomBytes(seed)))
            .Concat(Enumerable.Range(0, 10).Select(seed => FuzzAsync(server.Port, JsonLines(seed))))
            .ToArray();
        for (var i = 0; i < 50; i++)
        {
            await alice.SendAsync($"still here {i}");
            Assert.Equal($"alice: still here {i}", await bob.ReadLineAsync());
        }

        var answered = await Task.WhenAll(fuzzers).WaitAsync(TimeSpan.FromSeconds(60));
        var replies = answered.SelectMany(lines => lines).ToList();

        // Every JSON connection lasted to its own quit: no string it sent, however broken, ended it.
        Assert.All(answered[20..], lines => Assert.Equal("""{"type":"info","text":"bye"}""", lines[^1]));
        Assert.Contains(replies, line => line.Contains("lone UTF-16 surrogate", StringComparison.Ordinal));

        // Whatever of the JSON connections' texts (bidirectional overrides among them) reaches the text-mode ones is shown, never as it is.
        Assert.All(answered[..20].SelectMany(lines => lines), line => Assert.DoesNotContain(line, SocketChat.Protocol.Text.InvisibleText.IsInvisible));
        Assert.DoesNotContain(server.Log.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
        Assert.NotEmpty(replies);
        Assert.All(replies, line => Assert.DoesNotContain(line, c => c != '\t' && char.IsControl(c)));
        Assert.Contains(replies, line => line.StartsWith("! error: ", StringComparison.Ordinal));
        await bob.SendAsync("/ping");
        Assert.Equal("* pong", await bob.ReadLineAsync());
    }

    private static byte[] RandomBytes(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[32 * 1024];
        random.NextBytes(bytes);
        for (var i = 0; i < bytes.Length; i += random.Next(1, 120))
        {
            bytes[i] = (byte)'\n';
        }

        return bytes;
    }

    // "/json", then objects of the protocol's types whose strings mix text with escapes: any \uXXXX (lone surrogate
    // halves, pairs, reversed pairs), control characters, bidirectional overrides, broken escapes.
    private static byte[] JsonLines(int seed)
    {
        var random = new Random(seed + 1000);
        string[] types = ["message", "private", "nick", "join", "who", "history", "login", "ping", "help",
            "topic", "kick", "ban", "unban", "mute", "unmute", "op", "deop", "voice", "devoice", "mode", "invite", "kill", "bans", "oper"];
        string[] keys = ["cid", "text", "to", "nick", "room", "name", "password", "limit", "page", "mask", "duration", "reason", "modes", "key"];
        string Piece() => random.Next(8) switch
        {
            0 => $"\\u{random.Next(0xD800, 0xE000):x4}",
            1 => $"\\u{random.Next(0x10000):x4}",
            2 => $"\\u{random.Next(0xD800, 0xDC00):x4}\\u{random.Next(0xDC00, 0xE000):x4}",
            3 => new[] { "\\n", "\\\"", "\\\\", "\\u001b[2J", "\\u202e", "\\x", "\\u12" }[random.Next(7)],
            _ => ((char)random.Next('a', 'z' + 1)).ToString(),
        };
        var lines = new System.Text.StringBuilder("/json\n");
        while (lines.Length < 32 * 1024)
        {
            lines.Append($"{{\"type\":\"{types[random.Next(types.Length)]}\"");
            for (var field = random.Next(4); field > 0; field--)
            {
                lines.Append($",\"{keys[random.Next(keys.Length)]}\":\"{string.Concat(Enumerable.Range(0, random.Next(10)).Select(_ => Piece()))}\"");
            }

            lines.Append("}\n");
        }

        return Encoding.UTF8.GetBytes(lines.ToString());
    }

    private static async Task<List<string>> FuzzAsync(int port, byte[] bytes)
    {
        var random = new Random(bytes.Length + bytes[0]);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Default);
        var reading = ReadAllAsync(socket);
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 2000), bytes.Length - offset);
            await socket.SendAsync(bytes.AsMemory(offset, size)).AsTask().WaitAsync(TestTimeouts.Default);
            offset += size;
        }

        await socket.SendAsync("\n/quit\n{\"type\":\"quit\"}\n"u8.ToArray()).WaitAsync(TestTimeouts.Default);
        return await reading;
    }

    // Everything the server sends back, split into lines; it must be valid UTF-8.
    private static async Task<List<string>> ReadAllAsync(Socket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(30))) > 0)
        {
            received.Write(buffer, 0, read);
        }

        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(received.ToArray());
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
