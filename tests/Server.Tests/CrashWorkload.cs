using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// The crash tests' clients (a server killed with SIGKILL, a cluster node killed): JSON clients in the room busy,
// each sending numbered lines with client ids, half of them only after the kill.
internal static class CrashWorkload
{
    // Client ci in JSON mode, in the room busy, its resume token kept.
    public static async Task<TestClient> JoinBusyAsync(int port, int i)
    {
        var client = await TestClient.ConnectAsync(port);
        await client.SendAsync("/json");
        var welcome = await client.ExpectAsync(line => line.StartsWith("{\"type\":\"welcome\"", StringComparison.Ordinal));
        client.Token = JsonDocument.Parse(welcome).RootElement.GetProperty("token").GetString();
        await client.SendAsync($$"""{"type":"nick","nick":"c{{i}}"}""");
        await client.SendAsync("""{"type":"join","room":"busy"}""");
        await client.ExpectAsync(line => line.Contains($"\"room\":\"busy\",\"nick\":\"c{i}\",\"action\":\"join\"", StringComparison.Ordinal));
        return client;
    }

    // Sends every line, and collects acknowledgements until the server dies.
    // The first half goes at once; the second only after the kill, so however fast the server is, it dies with
    // lines in flight and lines unsent.
    public static async Task<Dictionary<string, long>> SendUntilCutAsync(TestClient client, int i, int lines, Task killed, Action onAck)
    {
        var acked = new Dictionary<string, long>();
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var n = 0; n < lines; n++)
                {
                    if (n == lines / 2)
                    {
                        await killed;
                    }

                    await client.SendAsync($$"""{"type":"message","cid":"k{{n}}","text":"c{{i}}-{{n}}"}""");
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // The server was killed.
            }
        });
        try
        {
            while (await client.ReadLineAsync() is { } line)
            {
                // The kill can cut the last line short; it was never a whole event, so nothing was acknowledged by it.
                if (!line.EndsWith('}'))
                {
                    break;
                }

                var root = JsonDocument.Parse(line).RootElement;
                if (root.GetProperty("type").GetString() == "ack")
                {
                    acked[root.GetProperty("cid").GetString()!] = root.GetProperty("id").GetInt64();
                    onAck();
                }
            }
        }
        catch (IOException)
        {
            // Reset by the kill.
        }

        await sending;
        return acked;
    }
}
