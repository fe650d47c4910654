using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// Several servers pointed at one Redis: one chat.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class ClusterTests
{
    [Fact]
    public async Task ThirtyClientsOnThreeNodes_EachHearsEveryOtherLineOnce_InEachSendersOrder_SameIdsEverywhere()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis);
        await using var b = await StartNodeAsync(redis);
        await using var c = await StartNodeAsync(redis);
        TestServer[] nodes = [a, b, c];
        var clients = new List<TestClient>();
        for (var i = 0; i < 30; i++)
        {
            clients.Add(await JsonModeTests.ConnectJsonAsync(nodes[i % 3], $"user{i}"));
        }

        // Every line from every client, with its id as each receiver saw it.
        var received = clients.Select(_ => new List<(string From, string Text, long Id)>()).ToArray();
        var reading = clients.Select((client, i) => Task.Run(async () =>
        {
            while (received[i].Count < 29 * 20)
            {
                var line = await client.ReadLineAsync() ?? throw new InvalidOperationException("closed");
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.GetProperty("type").GetString() == "message")
                {
                    received[i].Add((json.RootElement.GetProperty("from").GetString()!, json.RootElement.GetProperty("text").GetString()!, json.RootElement.GetProperty("id").GetInt64()));
                }
            }
        })).ToArray();

        await Task.WhenAll(clients.Select((client, i) => client.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(
            string.Concat(Enumerable.Range(0, 20).Select(n => $$"""{"type":"message","cid":"{{n}}","text":"{{i}}.{{n}}"}""" + "\n"))))));
        await Task.WhenAll(reading).WaitAsync(TimeSpan.FromSeconds(60));

        var idOf = new Dictionary<string, long>();
        for (var i = 0; i < 30; i++)
        {
            for (var sender = 0; sender < 30; sender++)
            {
                var own = received[i].Where(line => line.From == $"user{sender}").Select(line => line.Text).ToList();
                Assert.Equal(sender == i ? [] : Enumerable.Range(0, 20).Select(n => $"{sender}.{n}"), own);
            }

            foreach (var (_, text, id) in received[i])
            {
                Assert.Equal(idOf.TryAdd(text, id) ? id : idOf[text], id);
            }
        }

        Assert.Equal(600, idOf.Values.Distinct().Count());
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task NamesWhoPrivateAndHistory_AcrossNodes()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis);
        await using var b = await StartNodeAsync(redis);
        await using var c = await StartNodeAsync(redis);
        await using var alice = await a.ConnectAsAsync("alice");
        await alice.SendAsync("said on a");
        await a.WaitUntilStoredAsync("said on a");

        // The name alice has on A is taken on B.
        await using var bob = await b.ConnectAsync();
        await bob.ReadLineAsync();
        await bob.SendAsync("/nick ALICE");
        Assert.Equal("! error: nickname ALICE is already taken", await bob.ExpectAsync(line => line.StartsWith('!')));
        await bob.SendAsync("/nick bob");
        await bob.ExpectAsync(line => line.EndsWith("is now known as bob", StringComparison.Ordinal));

        // A newcomer on C sees what was said on A; /who on B lists everyone; /msg from C reaches A.
        await using var carol = await c.ConnectAsync();
        Assert.StartsWith("* welcome", await carol.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("[history] alice: said on a", await carol.ReadLineAsync());
        await carol.SendAsync("/nick carol");
        await carol.ExpectAsync(line => line.EndsWith("is now known as carol", StringComparison.Ordinal));
        await bob.SendAsync("/who");
        Assert.Equal("* lobby (3): alice, bob, carol", await bob.ExpectAsync(line => line.StartsWith("* lobby (", StringComparison.Ordinal)));
        await carol.SendAsync("/msg Alice from c with love");
        Assert.Equal("[private] carol: from c with love", await alice.ExpectAsync(line => line.StartsWith("[private]", StringComparison.Ordinal)));
        await carol.SendAsync("/msg nobody hello?");
        Assert.Equal("! error: no such nick: nobody", await carol.ExpectAsync(line => line.StartsWith('!')));
    }

    [Fact]
    public async Task JoinsRenamesLeavesAndOperatorLines_ReachTheOtherNodes()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, new() { ["Chat:OperatorConsole"] = "Auto" }, new TestConsoleBridge(isTerminal: true));
        await using var b = await StartNodeAsync(redis);
        await using var bob = await b.ConnectAsAsync("bob");

        await using var alice = await a.ConnectAsync();
        var guest = System.Text.RegularExpressions.Regex.Match((await alice.ReadLineAsync())!, "guest[0-9]+").Value;
        await alice.SendAsync("/nick alice");
        await alice.SendAsync("/join dev");
        await alice.ExpectAsync(line => line == "* alice joined dev");
        await a.Console.Typed.WriteAsync("maintenance at noon");

        Assert.Equal(
            [$"* {guest} joined lobby", $"* {guest} is now known as alice", "* alice left lobby", "server: maintenance at noon"],
            await bob.ReadLinesAsync(4));
    }

    [Fact]
    public async Task Export_ReadsTheClustersRedis_WithTheIdsItsNodesGave()
    {
        await using var redis = await RedisServer.StartAsync();
        await using (var a = await StartNodeAsync(redis))
        await using (var b = await StartNodeAsync(redis))
        {
            await using var alice = await a.ConnectAsAsync("alice");
            await alice.SendAsync("on a");
            await a.WaitUntilStoredAsync("on a");
            await using var bob = await b.ConnectAsAsync("bob");
            await bob.SendAsync("on b");
            await b.WaitUntilStoredAsync("on b");
        }

        await using var export = ChildProcess.StartServer(
            ["export", "--room", "lobby", "--Chat:Storage:Provider=Redis", $"--Chat:Storage:Redis={redis.Configuration}"]);
        var (exitCode, output, _) = await export.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        Assert.Collection(
            output,
            line => Assert.Matches("""^\{"type":"message","id":1,"ts":"[0-9T:.Z-]+","room":"lobby","from":"alice","text":"on a"\}$""", line),
            line => Assert.Matches("""^\{"type":"message","id":2,"ts":"[0-9T:.Z-]+","room":"lobby","from":"bob","text":"on b"\}$""", line));
    }

    internal static Task<TestServer> StartNodeAsync(RedisServer redis, Dictionary<string, string?>? more = null, TestConsoleBridge? console = null) =>
        TestServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Chat:Storage:Provider"] = "Redis",
                ["Chat:Storage:Redis"] = redis.Configuration,
                ["Chat:Storage:RequireAtStart"] = "true",
            },
            more,
            console);
}
