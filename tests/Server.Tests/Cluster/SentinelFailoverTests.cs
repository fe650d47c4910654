using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using SocketChat.TestSupport;
using Xunit.Abstractions;

namespace SocketChat.Server.Tests.Cluster;

// Losing the Redis machine: a primary, two replicas and three Sentinels of the test's own; two nodes that reach Redis
// through the Sentinels (Chat:Storage:Redis "…,serviceName=mymaster"); JSON clients talking on both. The replicas are
// made to miss writes (stopped, SIGSTOP, and their links cut on the primary), the primary is SIGKILLed mid-traffic and
// the replicas let go: the Sentinels promote one, without what it missed, and the other replicates it (so WAIT 1 can
// be answered after the failover too: with one replica, its promotion would leave none). With WaitForReplicas=1
// nothing that was acknowledged was the primary's alone, so nothing acknowledged is lost; with 0 it is, and the log
// going back is said.
[Trait("Category", "Slow")]
[Collection(LoadTestsRunAlone.Name)]
public sealed class SentinelFailoverTests(ITestOutputHelper output)
{
    // Lines each sender sends while the replica is cut off (a line every 20 ms: about a second and a half).
    private const int WhileCutOff = 80;

    [Fact]
    public async Task ReplicaCutOffThenPrimaryKilled_WaitForReplicasOne_EveryAcknowledgedLineThereOnceInOrder_NobodyDropped()
    {
        var run = await FailOverAsync(waitForReplicas: 1);

        Assert.Empty(run.Lost);
        Assert.Empty(run.LostLogs);

        foreach (var sender in run.Senders)
        {
            // Every line it sent was acknowledged once, with the id it has in the new primary's room, in its order.
            Assert.Equal(run.Sent[sender], run.Acks[sender].Count);
            Assert.Equal(run.Acks[sender].Count, run.Acks[sender].Select(ack => ack.Cid).Distinct().Count());
            var stored = run.Stored.Where(line => line.Text.StartsWith(sender + " ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, run.Sent[sender]).Select(n => $"{sender} {n}"), stored.Select(line => line.Text));
            Assert.Equal(run.Acks[sender].OrderBy(ack => int.Parse(ack.Cid, CultureInfo.InvariantCulture)).Select(ack => ack.Id), stored.Select(line => line.Id));
        }

        // The observer was shown every stored line once, in the log's order; all it was told besides is that
        // messages were delayed, then no longer.
        Assert.Equal(run.Stored, run.Observed);
        Assert.All(run.Notices, code => Assert.True(code is "store_failing" or "store_recovered", code));
    }

    [Fact]
    public async Task ReplicaCutOffThenPrimaryKilled_WaitForReplicasZero_WhatOnlyThePrimaryHadIsLost_TheLogGoingBackIsSaid()
    {
        var run = await FailOverAsync(waitForReplicas: 0);

        // Acknowledged at once, by the primary alone: what the replica missed is gone with the primary.
        Assert.NotEmpty(run.Lost);
        Assert.NotEmpty(run.LostLogs);
        Assert.Contains("store_lost", run.Notices);
    }

    private sealed record Line(long Id, string Text);

    private static TimeSpan TimeOfDay(string sentinelLine) =>
        TimeSpan.ParseExact(System.Text.RegularExpressions.Regex.Match(sentinelLine, @"\d\d:\d\d:\d\d\.\d\d\d").Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

    private sealed record Run(
        string[] Senders,
        Dictionary<string, int> Sent,
        Dictionary<string, List<(string Cid, long Id)>> Acks,
        List<Line> Stored,
        List<Line> Observed,
        List<(string Sender, string Cid, long Id)> Lost,
        List<string> LostLogs,
        List<string> Notices);

    private async Task<Run> FailOverAsync(int waitForReplicas)
    {
        await using var primary = await RedisServer.StartAsync();
        await using var replica = await RedisServer.StartReplicaAsync(primary);
        await using var second = await RedisServer.StartReplicaAsync(primary);
        await using var sentinels = await RedisSentinels.StartAsync(primary, replicas: 2);
        var settings = new Dictionary<string, string?>
        {
            ["Chat:Storage:Redis"] = sentinels.Configuration,
            ["Chat:Storage:WaitForReplicas"] = waitForReplicas.ToString(CultureInfo.InvariantCulture),
        };
        await using var a = await ClusterTests.StartNodeAsync(primary, settings);
        await using var b = await ClusterTests.StartNodeAsync(primary, settings);

        // The observer's node appends nothing itself: all it shows comes from reading the log.
        await using var c = await ClusterTests.StartNodeAsync(primary, settings);

        string[] senders = ["alice", "bob"];
        var clients = new Dictionary<string, TestClient>
        {
            ["alice"] = await JsonModeTests.ConnectJsonAsync(a, "alice"),
            ["bob"] = await JsonModeTests.ConnectJsonAsync(b, "bob"),
            ["carol"] = await JsonModeTests.ConnectJsonAsync(c, "carol"),
        };
        var acks = senders.ToDictionary(sender => sender, _ => new List<(string Cid, long Id)>());
        var ackedAt = senders.ToDictionary(sender => sender, _ => new List<TimeSpan>());
        var clock = Stopwatch.StartNew();
        var observed = new List<Line>();
        var notices = new ConcurrentQueue<string>();
        var sent = senders.ToDictionary(sender => sender, _ => 0);
        using var stop = new CancellationTokenSource();
        try
        {
            // Each client's lines, read as they come: acknowledgements (senders), messages (the observer), notices.
            var reading = clients.Select(client => Task.Run(async () =>
            {
                while (await client.Value.ReadLineAsync(TimeSpan.FromSeconds(90)) is { } line)
                {
                    using var json = JsonDocument.Parse(line);
                    var root = json.RootElement;
                    switch (root.GetProperty("type").GetString())
                    {
                        case "ack" when acks.TryGetValue(client.Key, out var mine):
                            lock (mine)
                            {
                                mine.Add((root.GetProperty("cid").GetString()!, root.GetProperty("id").GetInt64()));
                                ackedAt[client.Key].Add(clock.Elapsed);
                            }

                            break;
                        case "message" when client.Key == "carol":
                            lock (observed)
                            {
                                observed.Add(new Line(root.GetProperty("id").GetInt64(), root.GetProperty("text").GetString()!));
                            }

                            break;
                        case "notice":
                            notices.Enqueue(root.GetProperty("code").GetString()!);
                            break;
                        case "pong" when root.TryGetProperty("cid", out var cid) && cid.GetString() == "last":
                            return;
                    }
                }

                throw new InvalidOperationException($"{client.Key} was disconnected");
            })).ToList();

            // Each sender a line every 20 ms, whether or not the last was acknowledged.
            var sending = senders.Select(sender => Task.Run(async () =>
            {
                using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                try
                {
                    while (await pace.WaitForNextTickAsync(stop.Token))
                    {
                        var n = Sent(sender);
                        await clients[sender].SendAsync($$"""{"type":"message","cid":"{{n}}","text":"{{sender}} {{n}}"}""");
                        lock (sent)
                        {
                            sent[sender] = n + 1;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            })).ToList();

            int Sent(string sender)
            {
                lock (sent)
                {
                    return sent[sender];
                }
            }

            int Acknowledged(string sender)
            {
                lock (acks[sender])
                {
                    return acks[sender].Count;
                }
            }

            // Waits for condition, checked every 10 ms (after step, when given), failing after limit.
            async Task UntilAsync(Func<bool> condition, TimeSpan limit, Func<Task>? step = null)
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
                using var timeout = new CancellationTokenSource(limit);
                while (true)
                {
                    if (step is not null)
                    {
                        await step().WaitAsync(timeout.Token);
                    }

                    if (condition())
                    {
                        return;
                    }

                    await timer.WaitForNextTickAsync(timeout.Token);
                }
            }

            // Talking, replicated.
            await UntilAsync(() => senders.All(sender => Acknowledged(sender) >= 20), TestTimeouts.Default);

            // The replicas stop in their tracks and their links are cut: from here the primary alone has what it takes.
            await replica.PauseAsync();
            await second.PauseAsync();
            using (var admin = await ConnectionMultiplexer.ConnectAsync($"{primary.Configuration},allowAdmin=true"))
            {
                await admin.GetServer(primary.Configuration).ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
            }

            var cutAt = senders.ToDictionary(sender => sender, Sent);
            await UntilAsync(() => senders.All(sender => Sent(sender) >= cutAt[sender] + WhileCutOff), TestTimeouts.Default);
            var acknowledgedBeforeTheCrash = senders.ToDictionary(sender => sender, sender => { lock (acks[sender]) { return acks[sender].ToList(); } });

            // The primary dies mid-traffic; the replica goes on, and the Sentinels promote it.
            var waiting = senders.Sum(sender => Sent(sender) - Acknowledged(sender));
            var killedAt = clock.Elapsed;
            var killedWall = DateTime.Now;
            await primary.KillAsync();
            await replica.ResumeAsync();
            await second.ResumeAsync();
            // The Sentinel's own time of day for it ("… 06:18:04.830 # +switch-master …"), this machine's clock.
            var switched = await sentinels.ReadEventAsync(line => line.Contains("+switch-master", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var promoted = TimeOfDay(switched) - killedWall.TimeOfDay;
            var acknowledgedAtCrash = senders.ToDictionary(sender => sender, Acknowledged);
            await UntilAsync(() => senders.All(sender => Acknowledged(sender) > acknowledgedAtCrash[sender] + 10), TimeSpan.FromSeconds(60));

            // Traffic stops; every line sent is acknowledged in the end (held and tried again, or taken at once).
            await stop.CancelAsync();
            await Task.WhenAll(sending).WaitAsync(TestTimeouts.Default);
            await UntilAsync(() => senders.All(sender => Acknowledged(sender) >= Sent(sender)), TimeSpan.FromSeconds(60));
            var resumed = senders.Select(sender =>
            {
                lock (acks[sender])
                {
                    return ackedAt[sender].Skip(acknowledgedAtCrash[sender]).First() - killedAt;
                }
            }).ToList();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"WaitForReplicas={waitForReplicas}: primary killed with {waiting} lines waiting; a replica promoted {promoted.TotalSeconds:0.0} s after; its first acknowledgements after that to each sender at {string.Join(", ", resumed.Select(time => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"))}"));

            // Nobody was dropped: each client still answers; the observer has had every line once its pong comes.
            if (waitForReplicas > 0)
            {
                await UntilAsync(() => { lock (observed) { return observed.Count >= senders.Sum(Sent); } }, TimeSpan.FromSeconds(30));
            }

            foreach (var client in clients.Values)
            {
                await client.SendAsync("""{"type":"ping","cid":"last"}""");
            }

            await Task.WhenAll(reading).WaitAsync(TimeSpan.FromSeconds(30));

            // Every node follows the new primary's publications again (subscribed anew), so each turns healthy.
            foreach (var node in new[] { a, b, c })
            {
                await using var probe = await node.ConnectAsync();
                await probe.ReadLineAsync();
                var pong = string.Empty;
                await UntilAsync(() => pong == "* pong", TimeSpan.FromSeconds(20), async () =>
                {
                    await probe.SendAsync("/ping");
                    pong = await probe.ExpectAsync(line => line.StartsWith("* pong", StringComparison.Ordinal));
                });
            }

            // What the new primary holds.
            using var promotedRedis = await ConnectionMultiplexer.ConnectAsync(sentinels.Configuration);
            var stored = (await promotedRedis.GetDatabase().StreamRangeAsync("socketchat:room:lobby"))
                .Where(entry => (string?)entry["k"] == "0")
                .Select(entry => new Line(long.Parse(((string)entry.Id!).Split('-')[0], CultureInfo.InvariantCulture), (string)entry["x"]!))
                .ToList();
            var storedIds = stored.ToDictionary(line => line.Id, line => line.Text);
            var lost = acknowledgedBeforeTheCrash
                .SelectMany(pair => pair.Value.Select(ack => (Sender: pair.Key, ack.Cid, ack.Id)))
                .Where(ack => !storedIds.TryGetValue(ack.Id, out var text) || text != $"{ack.Sender} {ack.Cid}")
                .ToList();
            output.WriteLine($"acknowledged before the crash and gone after it: {lost.Count}");
            var lostLogs = new[] { a, b, c }.SelectMany(node => node.Log.Events).Where(e => e.MessageTemplate.Text.StartsWith("Lost log", StringComparison.Ordinal)).Select(e => e.RenderMessage()).ToList();
            foreach (var line in lostLogs)
            {
                output.WriteLine(line);
            }

            return new Run(senders, sent, acks, stored, observed, lost, lostLogs, [.. notices]);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var client in clients.Values)
            {
                await client.DisposeAsync();
            }
        }
    }
}
