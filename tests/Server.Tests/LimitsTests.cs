using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class LimitsTests
{
    [Fact]
    public async Task MaxConnections_OneOverTheLimit_RefusedWithOneLineThenClosed_SpaceFreedOnLeave()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:MaxConnections"] = "2" });
        await using var first = await server.ConnectAsAsync("first");
        var second = await server.ConnectAsAsync("second");

        await using (var third = await server.ConnectAsync())
        {
            Assert.Equal(["! error: the server is full (2 connections); try again later"], await third.ReadToEndAsync());
        }

        await second.SendAsync("/quit");
        await second.ReadToEndAsync();
        await second.DisposeAsync();
        await WaitForConnectionsAsync(server, 1);
        await using var fourth = await server.ConnectAsync();
        Assert.StartsWith("* welcome", await fourth.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxConnectionsPerIp_LoopbackNotExempt_ThirdRefused()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Limits:MaxConnectionsPerIp"] = "2",
            ["Chat:Limits:ExemptLoopback"] = "false",
        });
        await using var first = await server.ConnectAsAsync("first");
        await using var second = await server.ConnectAsAsync("second");

        await using var third = await server.ConnectAsync();

        Assert.Equal(["! error: too many connections from your address (at most 2)"], await third.ReadToEndAsync());
        Assert.Contains(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Refused a connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaxConnectionsPerIp_LoopbackExemptByDefault_Admitted()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:MaxConnectionsPerIp"] = "1" });
        await using var first = await server.ConnectAsAsync("first");

        await using var second = await server.ConnectAsync();

        Assert.StartsWith("* welcome", await second.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flood_PastedBlockOverTheBurst_SlowedButEveryLineArrives()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Limits:MessagesPerSecond"] = "20",
            ["Chat:Limits:Burst"] = "5",
            ["Chat:Limits:ExemptLoopback"] = "false",
        });
        using var meter = new MetricsTests.MeterProbe(server);
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await alice.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 30).Select(i => $"pasted line {i}\n"))));

        for (var i = 1; i <= 30; i++)
        {
            Assert.Equal($"alice: pasted line {i}", await bob.ReadLineAsync());
        }

        Assert.True(meter.Total("socketchat.lines.throttled") > 0, "no line was held back");
    }

    [Fact]
    public async Task Flood_OverTheRateForLong_DisconnectedWithReason()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Limits:MessagesPerSecond"] = "1",
            ["Chat:Limits:Burst"] = "1",
            ["Chat:Limits:FloodTimeoutSeconds"] = "1",
            ["Chat:Limits:ExemptLoopback"] = "false",
        });
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await alice.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 50).Select(i => $"spam {i}\n"))));

        Assert.Equal(
            "! error: disconnected for flooding (more than 1 lines a second for 1 s)",
            (await alice.ReadToEndAsync())[^1]);
        var seen = new List<string>();
        while (await bob.ReadLineAsync() is { } line && line != "* alice left lobby")
        {
            seen.Add(line);
        }

        // Whatever got through before the cut (at 1 line a second, a few at most) arrived in order.
        Assert.InRange(seen.Count, 0, 10);
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => $"alice: spam {i}"), seen);
    }

    [Fact]
    public async Task Flood_LoopbackExemptByDefault_NothingHeldBack()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Limits:MessagesPerSecond"] = "1",
            ["Chat:Limits:Burst"] = "1",
        });
        using var meter = new MetricsTests.MeterProbe(server);
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await alice.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 20).Select(i => $"fast {i}\n"))));

        for (var i = 1; i <= 20; i++)
        {
            Assert.Equal($"alice: fast {i}", await bob.ReadLineAsync());
        }

        Assert.Equal(0, meter.Total("socketchat.lines.throttled"));
    }

    [Fact]
    public async Task Idle_SilentConnection_PingedThenClosed()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:IdleTimeoutSeconds"] = "1" });
        await using var client = await server.ConnectAsync();

        Assert.Equal(
            [
                "* welcome to SocketChat, guest1! You are in lobby. Type /help for commands.",
                "* ping: send any line within 1 s to stay connected",
            ],
            await client.ReadToEndAsync());
        Assert.Contains(server.Log.Events, e => e.Properties.TryGetValue("Reason", out var reason) && reason.ToString() == "\"idle timeout\"");
    }

    [Fact]
    public async Task Idle_AnsweringThePing_StaysConnected()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:IdleTimeoutSeconds"] = "1" });
        await using var client = await server.ConnectAsync();
        await client.ReadLineAsync();

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("* ping: send any line within 1 s to stay connected", await client.ReadLineAsync());
            await client.SendAsync("/ping");
            Assert.Equal("* pong", await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Idle_TricklingBytesWithoutEverEndingALine_PingedThenClosed()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:IdleTimeoutSeconds"] = "1" });
        await using var client = await server.ConnectAsync();
        await client.ReadLineAsync();

        // A byte every 100 ms, never a newline: activity, but not a line.
        var reading = client.ReadToEndAsync();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!reading.IsCompleted && await timer.WaitForNextTickAsync())
        {
            try
            {
                await client.SendBytesAsync([(byte)'x']);
            }
            catch (IOException)
            {
                break;
            }
        }

        Assert.Equal(["* ping: send any line within 1 s to stay connected"], await reading);
    }

    private static async Task WaitForConnectionsAsync(TestServer server, int count)
    {
        var tracker = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Connections.ConnectionTracker>(server.Host.Services);
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (tracker.Count != count)
        {
            await timer.WaitForNextTickAsync(timeout.Token);
        }
    }
}
