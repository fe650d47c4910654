using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class OperatorConsoleTests
{
    private static readonly Dictionary<string, string?> ConsoleOn = new() { ["Chat:OperatorConsole"] = "Auto" };

    [Fact]
    public async Task TypedLine_ReachesEveryClientAsServer()
    {
        await using var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        await using var lobby = await server.ConnectAsAsync("alice");
        await using var elsewhere = await server.ConnectAsAsync("bob");
        await elsewhere.SendAsync("/join dev");
        await elsewhere.ExpectAsync(line => line == "* bob joined dev");
        await lobby.ExpectAsync(line => line == "* bob left lobby");

        await server.Console.Typed.WriteAsync("maintenance at \u001b[5mnoon");

        Assert.Equal("server: maintenance at [5mnoon", await lobby.ReadLineAsync());
        Assert.Equal("server: maintenance at [5mnoon", await elsewhere.ReadLineAsync());
    }

    [Fact]
    public async Task IncomingMessage_ShownWithNickAddressAndRoom()
    {
        await using var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        await using var alice = await server.ConnectAsAsync("alice");

        await alice.SendAsync("hello operator");

        var shown = await server.Console.WaitForOutputAsync(line => line.Contains("hello operator", StringComparison.Ordinal));
        Assert.Matches(@"^alice \(127\.0\.0\.1:\d+\) \[lobby\]: hello operator$", shown);
    }

    [Fact]
    public async Task ActionAndPrivateLine_ShownAsTheOthersSeeThem()
    {
        await using var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        await using var bob = await server.ConnectAsAsync("bob");
        await using var alice = await server.ConnectAsAsync("alice");

        await bob.SendAsync("/me nods");
        await bob.SendAsync("/msg alice /me whispers");

        Assert.Matches(@"^\* bob \(127\.0\.0\.1:\d+\) \[lobby\] nods$", await server.Console.WaitForOutputAsync(line => line.Contains("nods", StringComparison.Ordinal)));
        Assert.Matches(@"^\* bob \(127\.0\.0\.1:\d+\) -> alice whispers$", await server.Console.WaitForOutputAsync(line => line.Contains("whispers", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task IncomingMessage_BidiAndInvisibleCharacters_ShownToTheOperatorAsCodePoints()
    {
        await using var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        await using var alice = await server.ConnectAsAsync("alice");

        await alice.SendAsync("report_\u202Efdp.exe\u200B");

        var shown = await server.Console.WaitForOutputAsync(line => line.Contains("report_", StringComparison.Ordinal));
        Assert.Matches(@"^alice \(127\.0\.0\.1:\d+\) \[lobby\]: report_<U\+202E>fdp\.exe<U\+200B>$", shown);
    }

    [Fact]
    public async Task Exit_StopsTheHost()
    {
        await using var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        var lifetime = server.Host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.SetResult());

        await server.Console.Typed.WriteAsync("exit");

        await stopping.Task.WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task StoppedBySignal_OperatorSeesShuttingDown()
    {
        var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        await server.Console.WaitForOutputAsync(line => line.StartsWith("Type a line", StringComparison.Ordinal));

        // What Ctrl+C and SIGTERM do: the host stops, not the console.
        server.Host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.Equal("Shutting down...", await server.Console.WaitForOutputAsync(_ => true));
        await server.Host.StopAsync().WaitAsync(TestTimeouts.Default);
        server.Host.Dispose();
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Memory")]
    public async Task OperatorLine_InEveryRoomsHistory_OnJoiningAndAskedFor(string provider)
    {
        await using var server = await TestServer.StartAsync(new(ConsoleOn) { ["Chat:Storage:Provider"] = provider }, new TestConsoleBridge(isTerminal: true));
        await using var alice = await server.ConnectAsAsync("alice");
        await alice.SendAsync("before the notice");
        await server.WaitUntilStoredAsync("before the notice");
        await server.Console.Typed.WriteAsync("maintenance at noon");
        Assert.Equal("server: maintenance at noon", await alice.ReadLineAsync());
        await alice.SendAsync("/join dev");
        Assert.Equal(["* alice joined dev", "[history] server: maintenance at noon"], await alice.ReadLinesAsync(2));

        await alice.SendAsync("/history 5");
        Assert.Equal(["[history] server: maintenance at noon", "* end of history (1 message)"], await alice.ReadLinesAsync(2));
        await using var bob = await server.ConnectAsync();
        Assert.StartsWith("* welcome", await bob.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal(["[history] alice: before the notice", "[history] server: maintenance at noon"], await bob.ReadLinesAsync(2));
    }

    [Fact]
    public async Task EndOfInput_ServerKeepsRunning()
    {
        await using var server = await TestServer.StartAsync(ConsoleOn, new TestConsoleBridge(isTerminal: true));
        var lifetime = server.Host.Services.GetRequiredService<IHostApplicationLifetime>();

        server.Console.Typed.Complete();
        await server.Console.WaitForOutputAsync(line => line.StartsWith("Type a line", StringComparison.Ordinal));
        await WaitForLogAsync(server, "OperatorInputEnded");
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");
        await bob.SendAsync("still up");

        Assert.Equal("bob: still up", await alice.ReadLineAsync());
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task NotATerminal_ConsoleOffAndInputNeverRead()
    {
        var console = new TestConsoleBridge(isTerminal: false);
        await using var server = await TestServer.StartAsync(ConsoleOn, console);
        await using var alice = await server.ConnectAsAsync("alice");

        await console.Typed.WriteAsync("exit");
        await alice.SendAsync("/who");

        Assert.Equal("* lobby (1): alice", await alice.ReadLineAsync());
        Assert.True(console.Input.TryRead(out var unread));
        Assert.Equal("exit", unread);
    }

    private static async Task WaitForLogAsync(TestServer server, string eventName)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!server.Log.Events.Any(e => e.Properties.TryGetValue("EventId", out var id) && id.ToString().Contains(eventName, StringComparison.Ordinal)))
        {
            await timer.WaitForNextTickAsync(timeout.Token);
        }
    }
}
