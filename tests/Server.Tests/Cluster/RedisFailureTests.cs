using System.Text.Json;
using SocketChat.Server.Cluster;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// Redis crashing or going away while people talk: nodes hold on, nothing acknowledged is lost, nothing doubles.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class RedisFailureTests
{
    private const int Senders = 10;
    private const int PerSender = 60;

    [Fact]
    public async Task RedisKilledAndRestarted_MidTraffic_EveryAcknowledgedLineKeptOnce_EveryLineDeliveredOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var observer = await JsonModeTests.ConnectJsonAsync(b, "watcher");
        var watching = CollectAsync(observer, Senders * PerSender);
        var senders = await Task.WhenAll(Enumerable.Range(0, Senders).Select(i => JsonModeTests.ConnectJsonAsync(a, $"s{i}")));
        var acked = senders.Select(_ => new Dictionary<string, long>()).ToArray();
        var someAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var total = 0;

        // Each sends its lines one by one and reads its acknowledgements; the connection never drops.
        var talking = senders.Select((sender, i) => Task.Run(async () =>
        {
            var reading = Task.Run(async () =>
            {
                while (acked[i].Count < PerSender)
                {
                    var root = JsonDocument.Parse(await sender.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("dropped")).RootElement;
                    if (root.GetProperty("type").GetString() == "ack")
                    {
                        acked[i][root.GetProperty("cid").GetString()!] = root.GetProperty("id").GetInt64();
                        if (Interlocked.Increment(ref total) == Senders * PerSender / 5)
                        {
                            someAcked.TrySetResult();
                        }
                    }
                }
            });
            for (var n = 0; n < PerSender; n++)
            {
                await sender.SendAsync($$"""{"type":"message","cid":"m{{n}}","text":"s{{i}}-{{n}}"}""");
            }

            await reading;
        })).ToArray();

        await someAcked.Task.WaitAsync(TestTimeouts.Default);
        await redis.KillAsync();
        await redis.RestartAsync();
        await Task.WhenAll(talking).WaitAsync(TimeSpan.FromSeconds(90));

        using var store = new RedisMessageStore(redis.Configuration, "checker", requireAtStart: true);
        store.Open();
        var stored = store.Export("lobby", DateTimeOffset.UnixEpoch).Where(m => m.From.StartsWith('s')).ToList();
        Assert.Equal(Senders * PerSender, stored.Count);
        for (var i = 0; i < Senders; i++)
        {
            var own = stored.Where(m => m.From == $"s{i}").ToList();
            Assert.Equal(Enumerable.Range(0, PerSender).Select(n => $"s{i}-{n}"), own.Select(m => m.Text));
            Assert.Equal(Enumerable.Range(0, PerSender).Select(n => acked[i][$"m{n}"]), own.Select(m => m.Id));
        }

        var heard = await watching.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < Senders; i++)
        {
            Assert.Equal(Enumerable.Range(0, PerSender).Select(n => $"s{i}-{n}"), heard.Where(line => line.From == $"s{i}").Select(line => line.Text));
        }

        foreach (var sender in senders)
        {
            await sender.DisposeAsync();
        }
    }

    [Fact]
    public async Task RedisAwayFiveSeconds_NoNodeExitsNoConnectionDrops_LinesSaidMeanwhileDeliveredOnceAfter()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);
        await using var b = await ClusterTests.StartNodeAsync(redis);
        await using var alice = await a.ConnectAsAsync("alice");
        await using var bob = await b.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line.Contains("bob", StringComparison.Ordinal));

        await redis.KillAsync();
        for (var n = 1; n <= 5; n++)
        {
            await alice.SendAsync($"while redis is away {n}");
        }

        await bob.SendAsync("bob while redis is away");
        Assert.Equal("* messages are delayed: the server cannot store them right now", await alice.ExpectAsync(line => line.StartsWith("* messages", StringComparison.Ordinal)));
        Assert.Equal("* messages are delayed: the server cannot store them right now", await bob.ExpectAsync(line => line.StartsWith("* messages", StringComparison.Ordinal)));

        // Five seconds of outage, as an operator restarting Redis would cause.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await redis.RestartAsync();

        var bobHeard = new List<string>();
        while (bobHeard.Count < 5)
        {
            var line = await bob.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("bob was dropped");
            if (line.StartsWith("alice:", StringComparison.Ordinal))
            {
                bobHeard.Add(line);
            }
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(n => $"alice: while redis is away {n}"), bobHeard);
        Assert.Equal("bob: bob while redis is away", await alice.ExpectAsync(line => line.StartsWith("bob:", StringComparison.Ordinal)));

        // Both still connected, each line once: a ping is answered, and nothing else of theirs came again.
        await alice.SendAsync("/ping");
        await bob.SendAsync("/ping");
        Assert.DoesNotContain(await ReadUntilPongAsync(bob), line => line.StartsWith("alice:", StringComparison.Ordinal));
        Assert.DoesNotContain(await ReadUntilPongAsync(alice), line => line.StartsWith("bob:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartedWithoutRedis_SaysSoInOneLine_ThenServesOnceRedisAnswers()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.KillAsync();
        await using var node = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:OperatorConsole=Off",
            "--Chat:Storage:Provider=Redis", $"--Chat:Storage:Redis={redis.Configuration}"]);
        node.StandardInput.Close();
        var seen = new List<string>();

        // The node listens after its first connection attempt has failed, which may take Redis's connect timeout (5 s).
        var listening = await node.ReadOutputLineAsync(
            line =>
            {
                seen.Add(line);
                return line.Contains("Listening on 127.0.0.1:", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(30));
        Assert.Single(seen, line => line.Contains(" WRN ", StringComparison.Ordinal)
            && line.EndsWith($"] Redis at {redis.Configuration} cannot be reached yet; this node keeps trying and serves once it answers", StringComparison.Ordinal));

        // Until Redis answers a newcomer is told so and closed; once the node has reconnected, it is let in.
        var port = int.Parse(listening[(listening.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await using (var early = await TestClient.ConnectAsync(port))
        {
            Assert.Equal(["! error: the server cannot reach its message store right now; try again in a moment"], await early.ReadToEndAsync());
        }

        await redis.RestartAsync();
        await PingUntilAsync(port, "* pong");
        await using var client = await TestClient.ConnectAsync(port);
        Assert.Equal("* welcome to SocketChat, guest1! You are in lobby. Type /help for commands.", await client.ReadLineAsync());
        await client.SendAsync("stored in redis");
        await node.ReadOutputLineAsync(line => line.EndsWith("] Message 1 in lobby from guest1: stored in redis", StringComparison.Ordinal));
        await node.TerminateAsync();
        Assert.Equal(0, (await node.WaitForExitAsync()).ExitCode);
    }

    [Fact]
    public async Task RequireAtStart_RedisOutOfReach_ExitsTwoWithOneLine()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.KillAsync();
        await using var node = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:OperatorConsole=Off",
            "--Chat:Storage:Provider=Redis", $"--Chat:Storage:Redis={redis.Configuration}", "--Chat:Storage:RequireAtStart=true"]);
        node.StandardInput.Close();

        var (exitCode, output, error) = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Equal($"cannot reach Redis at {redis.Configuration} and Chat:Storage:RequireAtStart=true: UnableToConnect", Assert.Single(error));
        Assert.DoesNotContain(output, line => line.Contains("Listening", StringComparison.Ordinal) || line.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeStartedWithoutRedis_Newcomers_ToldInOneLineAndClosed_InTheirOwnProtocol_NeverASilentSocket()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.KillAsync();
        await using var node = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:Storage:Provider"] = "Redis",
            ["Chat:Storage:Redis"] = $"{redis.Configuration},connectTimeout=500",
            ["Chat:Irc:Port"] = "0",
        });

        await using var nc = await node.ConnectAsync();
        Assert.Equal(["! error: the server cannot reach its message store right now; try again in a moment"], await nc.ReadToEndAsync());
        await using var json = await node.ConnectAsync();
        await json.SendAsync("/json");
        Assert.Equal(["""{"type":"error","code":"unavailable","message":"the server cannot reach its message store right now; try again in a moment"}"""], await json.ReadToEndAsync());
        await using var irc = await TestClient.ConnectAsync(node.IrcPort);
        await irc.SendAsync("NICK alice");
        await irc.SendAsync("USER alice 0 * :Alice");
        Assert.Equal(["ERROR :Closing link: the server cannot reach its message store right now; try again in a moment"], await irc.ReadToEndAsync());

        // Once Redis is back, the node lets people in.
        await redis.RestartAsync();
        await PingUntilAsync(node, "* pong");
        await using var later = await node.ConnectAsync();
        Assert.StartsWith("* welcome to SocketChat, guest", await later.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_RedisOutOfReach_UnhealthyNamingIt_HealthyWhenItIsBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ClusterTests.StartNodeAsync(redis);

        await redis.KillAsync();
        var unwell = $"* pong; unhealthy: cannot reach Redis at {redis.Configuration}";
        await PingUntilAsync(a, unwell);
        var (down, downOutput) = await ProbeAsync(a);
        await redis.RestartAsync();
        await PingUntilAsync(a, "* pong");
        var (up, upOutput) = await ProbeAsync(a);

        Assert.Equal(1, down);
        Assert.Matches($@"^unhealthy: 127\.0\.0\.1:{a.Port} answered in \d+ ms but cannot reach Redis at {redis.Configuration}$", downOutput);
        Assert.Equal(0, up);
        Assert.Matches($@"^healthy: 127\.0\.0\.1:{a.Port} answered in \d+ ms$", upOutput);
    }

    // The node notices a lost or regained connection on its own time: ask until it answers this.
    private static Task PingUntilAsync(TestServer node, string answer) => PingUntilAsync(node.Port, answer);

    private static async Task PingUntilAsync(int port, string answer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            await using var probe = await TestClient.ConnectAsync(port);
            await probe.SendAsync("/ping");
            if (await probe.ReadLineAsync() == answer)
            {
                return;
            }

            await timer.WaitForNextTickAsync(timeout.Token);
        }
    }

    private static async Task<(int ExitCode, string Output)> ProbeAsync(TestServer node)
    {
        await using var probe = ChildProcess.StartServer(["--probe", "--Chat:Host=127.0.0.1", $"--Chat:Port={node.Port}"]);
        var (exitCode, output, _) = await probe.WaitForExitAsync();
        return (exitCode, Assert.Single(output));
    }

    // Up to the pong, which may still say delivery was late a moment ago (the node is catching up with the log).
    private static async Task<List<string>> ReadUntilPongAsync(TestClient client)
    {
        var lines = new List<string>();
        while (await client.ReadLineAsync() is { } line && !line.StartsWith("* pong", StringComparison.Ordinal))
        {
            lines.Add(line);
        }

        return lines;
    }

    private static async Task<List<(string From, string Text)>> CollectAsync(TestClient observer, int count)
    {
        var heard = new List<(string From, string Text)>();
        while (heard.Count < count)
        {
            var line = await observer.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("closed");
            var root = JsonDocument.Parse(line).RootElement;
            if (root.GetProperty("type").GetString() == "message")
            {
                heard.Add((root.GetProperty("from").GetString()!, root.GetProperty("text").GetString()!));
            }
        }

        return heard;
    }
}
