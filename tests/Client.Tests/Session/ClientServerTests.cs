using SocketChat.Client.Session;
using SocketChat.Client.Tests.Infrastructure;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Session;

// The real client host against the real server host over loopback.
public sealed class ClientServerTests
{
    [Fact]
    public async Task Chat_SendAndReceive_BothWays()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var client = await ClientHarness.StartAsync(server.Port);
        await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));

        await client.TypeAsync("hello bob");
        Assert.Equal("alice: hello bob", await bob.ReadLineAsync());
        await bob.SendAsync("hi \u001b[31malice");

        Assert.Equal("bob: hi [31malice", await client.Console.WaitForOutputAsync(line => line.StartsWith("bob:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FloodLimit_BacklogTypedAtOnce_PacedToTheServersRate_NotCutOff_EveryLineOnceInOrder()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Limits:ExemptLoopback"] = "false",
            ["Chat:Limits:MessagesPerSecond"] = "25",
            ["Chat:Limits:Burst"] = "5",
            ["Chat:Limits:FloodTimeoutSeconds"] = "1",
        });
        await using var bob = await server.ConnectAsAsync("bob");
        await using var client = await ClientHarness.StartAsync(server.Port);
        await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));

        // 60 lines at 25 a second after a burst of 5 take over two seconds: unpaced, the server would hold the
        // client back that long and cut it off after one.
        for (var i = 0; i < 60; i++)
        {
            await client.TypeAsync($"line {i}");
        }

        for (var i = 0; i < 60; i++)
        {
            Assert.Equal($"alice: line {i}", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        }

        Assert.DoesNotContain(server.Log.Events, e => e.RenderMessage().Contains("flooding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task History_AskedFor_ShowsTheMessagesAgainThenTheEnd()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:History:OnJoin"] = "0" });
        await using var bob = await server.ConnectAsAsync("bob");
        await using var client = await ClientHarness.StartAsync(server.Port);
        await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));
        foreach (var text in new[] { "one", "two", "three" })
        {
            await bob.SendAsync(text);
            await client.Console.WaitForOutputAsync(line => line == $"bob: {text}");
        }

        await client.TypeAsync("/history 2");
        Assert.DoesNotContain("Sent null", client.Log.RenderAll(), StringComparison.Ordinal);

        Assert.Equal("[history] bob: two", await client.Console.WaitForOutputAsync(line => line.StartsWith('[')));
        Assert.Equal("[history] bob: three", await client.Console.WaitForOutputAsync(_ => true));
        Assert.Equal("* end of history (2 messages)", await client.Console.WaitForOutputAsync(_ => true));
    }

    [Fact]
    public async Task Start_NotATerminal_NoBanner_ShowsTheConnection()
    {
        await using var server = await TestServer.StartAsync();

        await using var client = await ClientHarness.StartAsync(server.Port);

        // Under load the client's /json can come after the server's greeting delay; it is then a later guest.
        Assert.Matches($@"^\* connected to 127\.0\.0\.1:{server.Port} as guest\d+ in lobby$", await client.Console.WaitForOutputAsync(_ => true));
        Assert.Matches(@"^\* guest\d+ is now known as alice$", await client.Console.WaitForOutputAsync(_ => true));
    }

    [Theory]
    [InlineData("terminate")]
    [InlineData("/quit")]
    public async Task Terminate_DeliversQueuedLinesSaysGoodbyeAndStopsWithZero(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var client = await ClientHarness.StartAsync(server.Port);
        await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));

        await client.TypeAsync("last words");
        await client.TypeAsync(command);

        await client.WaitForStopAsync();
        Assert.Equal(ChatClientService.Farewell, await client.Console.WaitForOutputAsync(line => line.StartsWith("Terminating", StringComparison.Ordinal)));
        Assert.Equal(0, client.Exit.Code);
        Assert.Equal("alice: last words", await bob.ReadLineAsync());
        Assert.Equal("* alice left lobby", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Unreachable_AttemptsZero_SaysWhyAndExitsOne()
    {
        int port;
        await using (var server = await TestServer.StartAsync())
        {
            port = server.Port;
        }

        await using var client = await ClientHarness.StartAsync(port, new() { ["Chat:Reconnect:Attempts"] = "0" });

        await client.WaitForStopAsync();
        Assert.Equal(
            $"! error: cannot connect to 127.0.0.1:{port}: connection refused; giving up",
            await client.Console.WaitForOutputAsync(line => line.StartsWith('!')));
        Assert.Equal(1, client.Exit.Code);
    }

    [Fact]
    public async Task Unreachable_KeepsRetryingWithBackoffUntilTheServerComes()
    {
        int port;
        await using (var first = await TestServer.StartAsync())
        {
            port = first.Port;
        }

        await using var client = await ClientHarness.StartAsync(port);
        Assert.Matches(
            $@"^\* cannot connect to 127\.0\.0\.1:{port}: connection refused; reconnecting in \d+ms \(attempt 1\)$",
            await client.Console.WaitForOutputAsync(line => line.Contains("attempt", StringComparison.Ordinal)));
        await client.Console.WaitForOutputAsync(line => line.Contains("(attempt 2)", StringComparison.Ordinal));

        await using var server = await TestServer.StartAsync(new() { ["Chat:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        await client.Console.WaitForOutputAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerRestartedOnSamePort_LinesTypedMeanwhileArriveExactlyOnceInOrder()
    {
        var first = await TestServer.StartAsync();
        var port = first.Port;
        var settings = new Dictionary<string, string?> { ["Chat:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var client = await ClientHarness.StartAsync(port);
        await client.Console.WaitForOutputAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));
        for (var i = 1; i <= 5; i++)
        {
            await client.TypeAsync($"line {i}");
        }

        await WaitForMessagesAsync(first, 5);
        await first.Host.StopAsync().WaitAsync(TestTimeouts.Default);
        for (var i = 6; i <= 10; i++)
        {
            await client.TypeAsync($"line {i}");
        }

        await client.Console.WaitForOutputAsync(line => line.StartsWith("* connection lost; reconnecting", StringComparison.Ordinal));
        await using var second = await TestServer.StartAsync(settings);
        await WaitForMessagesAsync(second, 5);
        await client.TypeAsync("line 11");
        await WaitForMessagesAsync(second, 6);

        Assert.Equal(Lines("alice", 1, 5), Messages(first));
        Assert.Equal(Lines("alice", 6, 11), Messages(second));
        first.Host.Dispose();
    }

    [Fact]
    public async Task ServerRestartedWithItsStore_NewSession_RoomHistoryAlreadyShownIsNotShownAgain()
    {
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Chat:DataDirectory"] = data.Path, ["Chat:ResumeWindowSeconds"] = "0" };
        int port;
        await using (var first = await TestServer.StartAsync(settings))
        {
            port = first.Port;
            await using var client1 = await first.ConnectAsAsync("bob");
            await client1.SendAsync("said before anyone came");
            await first.WaitUntilStoredAsync("said before anyone came");
        }

        await using var second = await TestServer.StartAsync(settings, new Dictionary<string, string?> { ["Chat:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var client = await ClientHarness.StartAsync(port);
        await client.Console.WaitForOutputAsync(line => line == "[history] bob: said before anyone came");
        await client.Console.WaitForOutputAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));
        await client.TypeAsync("my own line");
        await WaitForMessagesAsync(second, 1);
        await second.Host.StopAsync().WaitAsync(TestTimeouts.Default);
        await client.Console.WaitForOutputAsync(line => line.StartsWith("* connection lost; reconnecting", StringComparison.Ordinal));

        await using var third = await TestServer.StartAsync(settings, new Dictionary<string, string?> { ["Chat:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var carol = await third.ConnectAsAsync("carol");
        await client.Console.WaitForOutputAsync(line => line.StartsWith("* reconnected (a new session)", StringComparison.Ordinal));
        await carol.SendAsync("after the restart");
        var shown = new List<string>();
        await client.Console.WaitForOutputAsync(line =>
        {
            shown.Add(line);
            return line == "carol: after the restart";
        });

        Assert.DoesNotContain(shown, line => line.StartsWith("[history]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectionCutRepeatedly_HundredLinesArriveExactlyOnceInOrder()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var proxy = new TcpProxy(server.Port);
        await using var client = await ClientHarness.StartAsync(proxy.Port);
        await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));

        for (var batch = 0; batch < 10; batch++)
        {
            for (var i = 1; i <= 10; i++)
            {
                await client.TypeAsync($"line {(batch * 10) + i}");
            }

            await proxy.CutAllAsync();
        }

        await client.TypeAsync("done");
        var received = new List<string>();
        while (await bob.ReadLineAsync() is { } line && line != "alice: done")
        {
            if (!line.StartsWith('*'))
            {
                received.Add(line);
            }
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"alice: line {i}"), received);
        Assert.True(proxy.Connections > 1, "the client never had to reconnect");
    }

    [Fact]
    public async Task ConnectionCut_MessagesSaidMeanwhileShownAsMissedAfterResume()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var proxy = new TcpProxy(server.Port);
        await using var client = await ClientHarness.StartAsync(proxy.Port, new()
        {
            // Long enough for bob to speak before the client is back.
            ["Chat:Reconnect:FirstDelaySeconds"] = "2",
            ["Chat:Reconnect:MaxDelaySeconds"] = "2",
        });
        await bob.ExpectAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));
        await bob.SendAsync("before the cut");
        await client.Console.WaitForOutputAsync(line => line == "bob: before the cut");

        await proxy.CutAllAsync();
        await bob.ExpectAsync(line => line == "* alice left lobby");
        await bob.SendAsync("while you were away");

        await client.Console.WaitForOutputAsync(line => line == "* reconnected as alice in lobby");
        Assert.Equal("[history] bob: while you were away", await client.Console.WaitForOutputAsync(_ => true));
        await bob.SendAsync("welcome back");
        Assert.Equal("bob: welcome back", await client.Console.WaitForOutputAsync(line => line.StartsWith("bob:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task IdleServer_ClientAnswersItsPingsAndStaysConnected()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:IdleTimeoutSeconds"] = "1" });
        await using var client = await ClientHarness.StartAsync(server.Port);
        await client.Console.WaitForOutputAsync(line => line.EndsWith(" is now known as alice", StringComparison.Ordinal));

        // Three idle periods pass: each ends in a ping the client answers by itself.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await using var bob = await server.ConnectAsAsync("bob");
        await bob.SendAsync("still with us?");

        Assert.Equal("bob: still with us?", await client.Console.WaitForOutputAsync(line => line.StartsWith("bob:", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Log.Events, e => e.Properties.TryGetValue("Reason", out var reason) && reason.ToString() == "\"idle timeout\"");
    }

    private static List<string> Lines(string nick, int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => $"{nick}: line {i}").ToList();

    private static List<string> Messages(TestServer server) => server.Log.Events
        .Where(e => e.MessageTemplate.Text.StartsWith("Message {MessageId}", StringComparison.Ordinal))
        .Select(e => $"{e.Properties["Nick"].ToString().Trim('"')}: {e.Properties["Text"].ToString().Trim('"')}")
        .ToList();

    private static async Task WaitForMessagesAsync(TestServer server, int count)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (Messages(server).Count < count)
        {
            await timer.WaitForNextTickAsync(timeout.Token);
        }
    }
}
