using System.Text.Json;
using SocketChat.Server.Cluster;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// A node killed mid-traffic: its clients resume on the others and nothing is lost or doubled.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class ClusterCrashTests
{
    private const int Clients = 20;
    private const int PerClient = 100;

    [Fact]
    public async Task NodeKilled_ItsClientsResumeOnTheOthers_EveryLineStoredOnceInOrder_AckedIdsKept_ObserversSeeEachOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var c = await ClusterTests.StartNodeAsync(redis);
        await using var observerOnB = await ObserveAsync(b, "watcher-b");
        await using var observerOnC = await ObserveAsync(c, "watcher-c");
        var watchingB = CollectAsync(observerOnB);
        var watchingC = CollectAsync(observerOnC);

        var clients = new (string Token, Dictionary<string, long> Acked)[Clients];
        await using (var a = ChildProcess.StartServer([
            "--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:OperatorConsole=Off",
            "--Chat:Storage:Provider=Redis", $"--Chat:Storage:Redis={redis.Configuration}", "--Chat:Storage:RequireAtStart=true",
        ]))
        {
            var port = await a.ReadListeningPortAsync();
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
            await a.SignalAsync("KILL");
            killed.TrySetResult();
            var acked = await Task.WhenAll(running).WaitAsync(TestTimeouts.Default);
            for (var i = 0; i < Clients; i++)
            {
                clients[i] = (connected[i].Token!, acked[i]);
                await connected[i].DisposeAsync();
            }
        }

        // Each resumes on B or C, as our client does through its server list, and sends again what it was not sure of.
        await Task.WhenAll(clients.Select((client, i) => ResumeAndResendAsync(i % 2 == 0 ? b.Port : c.Port, i, client.Token, client.Acked)));

        // Stored once each, each client's in the order sent, with the ids they were acknowledged with.
        using (var store = new RedisMessageStore(redis.Configuration, "checker", requireAtStart: true))
        {
            store.Open();
            var stored = store.Export("busy", DateTimeOffset.UnixEpoch).ToList();
            Assert.Equal(Clients * PerClient, stored.Count);
            for (var i = 0; i < Clients; i++)
            {
                Assert.Equal(Enumerable.Range(0, PerClient).Select(n => $"c{i}-{n}"), stored.Where(m => m.From == $"c{i}").Select(m => m.Text));
            }
        }

        // Observers on the surviving nodes heard every line once.
        foreach (var heard in await Task.WhenAll(watchingB, watchingC).WaitAsync(TimeSpan.FromSeconds(30)))
        {
            for (var i = 0; i < Clients; i++)
            {
                Assert.Equal(Enumerable.Range(0, PerClient).Select(n => $"c{i}-{n}"), heard.Where(line => line.From == $"c{i}").Select(line => line.Text));
            }
        }
    }

    private static async Task<TestClient> ObserveAsync(TestServer node, string nick)
    {
        var observer = await JsonModeTests.ConnectJsonAsync(node, nick);
        await observer.SendAsync("""{"type":"join","room":"busy"}""");
        await observer.ExpectAsync(line => line.Contains($"\"room\":\"busy\",\"nick\":\"{nick}\",\"action\":\"join\"", StringComparison.Ordinal));
        return observer;
    }

    // Every live room message the observer gets, until it has all of them.
    private static async Task<List<(string From, string Text)>> CollectAsync(TestClient observer)
    {
        var heard = new List<(string From, string Text)>();
        while (heard.Count < Clients * PerClient)
        {
            var line = await observer.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("closed");
            var root = JsonDocument.Parse(line).RootElement;
            if (root.GetProperty("type").GetString() == "message" && !root.TryGetProperty("history", out _))
            {
                heard.Add((root.GetProperty("from").GetString()!, root.GetProperty("text").GetString()!));
            }
        }

        return heard;
    }

    private static async Task ResumeAndResendAsync(int port, int i, string token, Dictionary<string, long> ackedBefore)
    {
        await using var client = await TestClient.ConnectAsync(port);
        await client.SendAsync($"/json resume {token} 0");
        var welcome = await client.ExpectAsync(line => line.StartsWith('{'));
        Assert.Matches($$"""^\{"type":"welcome","nick":"c{{i}}","room":"(busy|lobby)","protocol":1,"token":"{{token}}","resumed":true\}$""", welcome);

        // The node may have died before it stored the move to busy (then before any line said there): like our
        // client, go back to the room the lines were said in before sending them again.
        if (welcome.Contains("\"room\":\"lobby\"", StringComparison.Ordinal))
        {
            await client.SendAsync("""{"type":"join","room":"busy"}""");
            await client.ExpectAsync(line => line.Contains($"\"room\":\"busy\",\"nick\":\"c{i}\",\"action\":\"join\"", StringComparison.Ordinal));
        }

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
