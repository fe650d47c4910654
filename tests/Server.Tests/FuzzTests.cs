using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

[Collection(LoadTestsRunAlone.Name)]
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

        // 20 connections each send 32 KB of random bytes (newline-rich) in random pieces, and read what comes back.
        var fuzzers = Enumerable.Range(0, 20).Select(seed => FuzzAsync(server.Port, seed)).ToArray();
        for (var i = 0; i < 50; i++)
        {
            await alice.SendAsync($"still here {i}");
            Assert.Equal($"alice: still here {i}", await bob.ReadLineAsync());
        }

        var replies = (await Task.WhenAll(fuzzers).WaitAsync(TimeSpan.FromSeconds(60))).SelectMany(lines => lines).ToList();

        Assert.NotEmpty(replies);
        Assert.All(replies, line => Assert.DoesNotContain(line, c => c != '\t' && char.IsControl(c)));
        Assert.Contains(replies, line => line.StartsWith("! error: ", StringComparison.Ordinal));
        await bob.SendAsync("/ping");
        Assert.Equal("* pong", await bob.ReadLineAsync());
    }

    private static async Task<List<string>> FuzzAsync(int port, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[32 * 1024];
        random.NextBytes(bytes);
        for (var i = 0; i < bytes.Length; i += random.Next(1, 120))
        {
            bytes[i] = (byte)'\n';
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Default);
        var reading = ReadAllAsync(socket);
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 2000), bytes.Length - offset);
            await socket.SendAsync(bytes.AsMemory(offset, size)).AsTask().WaitAsync(TestTimeouts.Default);
            offset += size;
        }

        await socket.SendAsync("\n/quit\n"u8.ToArray()).WaitAsync(TestTimeouts.Default);
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
