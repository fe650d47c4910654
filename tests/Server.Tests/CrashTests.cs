using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// kill -9 in the middle of a busy room, then a restart: nothing acknowledged is lost, nothing arrives twice.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class CrashTests : IDisposable
{
    private const int Clients = 20;
    private const int PerClient = 300;
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task KillNine_WhileTwentyClientsTalkInOneRoom_AcknowledgedKeptOnce_ResentArriveOnce_IdsIncrease_NewcomerSeesTheEnd()
    {
        string[] settings = ["--Chat:Port=0", "--Chat:Host=127.0.0.1", $"--Chat:DataDirectory={_data.Path}", "--Chat:OperatorConsole=Off"];
        var clients = new (string Token, Dictionary<string, long> Acked)[Clients];
        await using (var server = ChildProcess.StartServer(settings))
        {
            var port = await server.ReadListeningPortAsync();
            var connected = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => CrashWorkload.JoinBusyAsync(port, i)));
            var enoughAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var total = 0;
            var running = connected.Select((client, i) => CrashWorkload.SendUntilCutAsync(client, i, PerClient, killed.Task, () =>
            {
                if (Interlocked.Increment(ref total) == Clients * PerClient / 10)
                {
                    enoughAcked.TrySetResult();
                }
            })).ToArray();

            await enoughAcked.Task.WaitAsync(TestTimeouts.Default);
            await server.SignalAsync("KILL");
            killed.TrySetResult();
            var acked = await Task.WhenAll(running).WaitAsync(TestTimeouts.Default);
            for (var i = 0; i < Clients; i++)
            {
                clients[i] = (connected[i].Token!, acked[i]);
                await connected[i].DisposeAsync();
            }

            Assert.InRange(acked.Sum(a => a.Count), Clients * PerClient / 10, Clients * PerClient - 1);
        }

        await using (var restarted = ChildProcess.StartServer(settings))
        {
            var port = await restarted.ReadListeningPortAsync();
            await Task.WhenAll(clients.Select((client, i) => ResumeAndResendAsync(port, i, client.Token, client.Acked)));
        }

        // Every line of every client stored exactly once, each client's in the order sent, with increasing ids.
        await using var export = ChildProcess.StartServer(["export", "--room", "busy", $"--Chat:DataDirectory={_data.Path}"]);
        var (exitCode, lines, _) = await export.WaitForExitAsync();
        Assert.Equal(0, exitCode);
        var stored = lines.Select(line => JsonDocument.Parse(line).RootElement).Select(m => (Id: m.GetProperty("id").GetInt64(), Text: m.GetProperty("text").GetString()!)).ToList();
        Assert.Equal(Clients * PerClient, stored.Count);
        Assert.Equal(stored.Select(m => m.Id).Order(), stored.Select(m => m.Id));
        for (var i = 0; i < Clients; i++)
        {
            var own = stored.Where(m => m.Text.StartsWith($"c{i}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, PerClient).Select(n => $"c{i}-{n}"), own.Select(m => m.Text));
            foreach (var (cid, id) in clients[i].Acked)
            {
                Assert.Equal(id, own[int.Parse(cid[1..], System.Globalization.CultureInfo.InvariantCulture)].Id);
            }
        }

        // A newcomer after all this sees how the conversation ended.
        await using var again = ChildProcess.StartServer(settings);
        var newcomer = await TestClient.ConnectAsync(await again.ReadListeningPortAsync());
        await using (newcomer)
        {
            await newcomer.SendAsync("/join busy");
            await newcomer.ExpectAsync(line => line == "* guest1 joined busy");
            var shown = await newcomer.ReadLinesAsync(20);
            Assert.Equal(stored.TakeLast(20).Select(m => m.Text), shown.Select(line => line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
        }
    }

    private static async Task ResumeAndResendAsync(int port, int i, string token, Dictionary<string, long> ackedBefore)
    {
        await using var client = await TestClient.ConnectAsync(port);
        await client.SendAsync($"/json resume {token} 0");
        Assert.Equal(
            $$"""{"type":"welcome","nick":"c{{i}}","room":"busy","protocol":1,"token":"{{token}}","resumed":true}""",
            await client.ExpectAsync(line => line.StartsWith('{')));

        // Like our client: everything not seen acknowledged is sent again, with its client id; here, everything.
        for (var n = 0; n < PerClient; n++)
        {
            await client.SendAsync($$"""{"type":"message","cid":"k{{n}}","text":"c{{i}}-{{n}}"}""");
        }

        for (var n = 0; n < PerClient; n++)
        {
            var ack = JsonDocument.Parse(await client.ExpectAsync(line => line.StartsWith("{\"type\":\"ack\"", StringComparison.Ordinal))).RootElement;
            var cid = ack.GetProperty("cid").GetString()!;
            Assert.Equal($"k{n}", cid);
            if (ackedBefore.TryGetValue(cid, out var id))
            {
                Assert.Equal(id, ack.GetProperty("id").GetInt64());
            }
        }
    }
}
