using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SocketChat.Server.Connections;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// A client that never reads: how long it may hold its room back, and how it leaves.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task SlowConsumer_Dropped_ConnectionGoneAtOnceAndShutdownWithinTheGracePeriod()
    {
        var server = await TestServer.StartAsync(new()
        {
            ["Chat:ShutdownGraceSeconds"] = "1",
            ["Chat:SlowClientGraceSeconds"] = "0",
        });
        await using var slow = await TestClient.ConnectAsync(server.Port, receiveBufferSize: 4096);
        Assert.StartsWith("* welcome to SocketChat, guest1!", await slow.ReadLineAsync(), StringComparison.Ordinal);
        await using var sender = await server.ConnectAsAsync("sender");

        // 60,000 lines to a client that reads no more: its kernel buffers and its queue overflow.
        var flood = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 60_000).Select(i => $"line {i} {new string('f', 100)}\n")));
        var sending = sender.SendBytesAsync(flood);
        await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Dropped slow client", StringComparison.Ordinal));

        // Gone at once: no longer counted, and its socket reset rather than left open with the data it would not take.
        await WaitForConnectionsAsync(server, 1);
        await slow.DrainUntilClosedAsync();
        await sending;

        await AssertStopsWithinAsync(server, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Shutdown_PeerThatNeverReads_FinishesWithinTheGracePeriod()
    {
        var server = await TestServer.StartAsync(new()
        {
            ["Chat:ShutdownGraceSeconds"] = "1",
            ["Chat:SlowClientGraceSeconds"] = "0",
            ["Chat:MaxQueuedBytesPerClient"] = "67108864",
            ["Chat:MaxQueuedMessagesPerClient"] = "1000000",
        });
        await using var slow = await TestClient.ConnectAsync(server.Port, receiveBufferSize: 4096);
        await slow.ReadLineAsync();
        await using var sender = await server.ConnectAsAsync("sender");

        // Enough for the slow client's queue to hold output its socket cannot take, without overflowing the queue.
        await sender.SendBytesAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 60_000).Select(i => $"line {i} {new string('f', 100)}\n"))));
        await server.WaitUntilStoredAsync($"line 59999 {new string('f', 100)}");

        await AssertStopsWithinAsync(server, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task SlowConsumer_NeverReads_StallsItsRoomForTheGracePeriodOnce()
    {
        const int grace = 2;
        await using var server = await TestServer.StartAsync(new() { ["Chat:SlowClientGraceSeconds"] = $"{grace}" });
        await using var slow = await TestClient.ConnectAsync(server.Port, receiveBufferSize: 4096);
        await slow.ReadLineAsync();
        await using var sender = await server.ConnectAsAsync("sender");
        await using var reader = await server.ConnectAsAsync("reader");
        await sender.ExpectAsync(line => line == "* guest3 is now known as reader");

        const int count = 100_000;
        var sending = sender.SendBytesAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => $"{i} {new string('s', 40)}\n"))));

        // The reader's stall: every pause of over a quarter of a second between two lines, added up. Holds that
        // follow one another with a few lines between them are one stall to the people in the room.
        var stalled = TimeSpan.Zero;
        var pauses = new List<string>();
        var clock = Stopwatch.StartNew();
        var last = clock.Elapsed;
        for (var i = 0; i < count;)
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException($"closed after {i} lines");
            if (line.StartsWith('*'))
            {
                continue;
            }

            Assert.Equal($"sender: {i} {new string('s', 40)}", line);
            var now = clock.Elapsed;
            if (now - last > TimeSpan.FromMilliseconds(250))
            {
                stalled += now - last;
                pauses.Add($"{last.TotalSeconds:0.0}-{now.TotalSeconds:0.0} s before line {i}");
            }

            last = now;
            i++;
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Dropped slow client", StringComparison.Ordinal));
        Assert.True(
            stalled > TimeSpan.FromSeconds(grace - 0.5) && stalled < TimeSpan.FromSeconds(grace + 1),
            $"the reader was held back {stalled.TotalSeconds:0.0} s in all (grace {grace} s): {string.Join(", ", pauses)}");
    }

    // The grace period is a second; what is left over is the machine's own pace.
    private static async Task AssertStopsWithinAsync(TestServer server, TimeSpan limit)
    {
        var stopping = Stopwatch.StartNew();
        await server.Host.StopAsync().WaitAsync(TestTimeouts.Default);
        stopping.Stop();
        server.Host.Dispose();
        Assert.True(stopping.Elapsed < limit, $"shutdown took {stopping.Elapsed}");
    }

    internal static async Task WaitForConnectionsAsync(TestServer server, int count)
    {
        var tracker = server.Host.Services.GetRequiredService<ConnectionTracker>();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (tracker.Count != count)
        {
            await timer.WaitForNextTickAsync(timeout.Token);
        }
    }
}
