using SocketChat.Client.Session;
using SocketChat.Client.Tests.Infrastructure;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Terminal;

/// <summary>The built client in a real terminal (tmux, installed by tests/run.sh), used as a person would.</summary>
public sealed class TmuxTests
{
    [Fact]
    public async Task RealTerminal_PromptTypingIncomingLineAndTerminate()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        var client = Path.Combine(AppContext.BaseDirectory, "SocketChat.Client.dll");
        await using var terminal = await TmuxSession.StartAsync(
            $"dotnet {client} --Chat:Host=127.0.0.1 --Chat:Port={server.Port} --Chat:Nick=alice; echo EXIT=$?; sleep 60");

        // The seed's greeting, then the prompt where the user types.
        var screen = await terminal.WaitForScreenAsync(lines => lines.Any(line => line.EndsWith("is now known as alice", StringComparison.Ordinal)) && lines[^1] == " You:");
        Assert.Equal(ChatClientService.Greeting, screen[0]);
        await bob.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));

        await terminal.TypeAsync("hello from a terminal");
        await terminal.PressAsync("Enter");
        Assert.Equal("alice: hello from a terminal", await bob.ReadLineAsync());

        // A line arriving mid-typing goes above; the half-typed text stays intact on the prompt line.
        await terminal.TypeAsync("half typed");
        await terminal.WaitForScreenAsync(lines => lines[^1] == " You: half typed");
        await bob.SendAsync("interrupting line");
        screen = await terminal.WaitForScreenAsync(lines => lines.Contains("bob: interrupting line"));
        Assert.Equal(["bob: interrupting line", " You: half typed"], screen[^2..]);
        Assert.Contains(" You: hello from a terminal", screen);

        await terminal.PressAsync("C-u");
        await terminal.TypeAsync("terminate");
        await terminal.PressAsync("Enter");

        screen = await terminal.WaitForScreenAsync(lines => lines.Any(line => line.StartsWith("EXIT=", StringComparison.Ordinal)));
        Assert.Equal([ChatClientService.Farewell, "EXIT=0"], screen[^2..]);
        Assert.Equal("* alice left lobby", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task RealTerminal_CtrlC_ClosesCleanlyWithZero()
    {
        await using var server = await TestServer.StartAsync();
        var client = Path.Combine(AppContext.BaseDirectory, "SocketChat.Client.dll");
        await using var terminal = await TmuxSession.StartAsync(
            $"dotnet {client} --Chat:Host=127.0.0.1 --Chat:Port={server.Port}; echo EXIT=$?; sleep 60");
        await terminal.WaitForScreenAsync(lines => lines.Any(line => line.StartsWith("* connected", StringComparison.Ordinal)) && lines[^1] == " You:");

        await terminal.TypeAsync("never sent");
        await terminal.PressAsync("C-c");

        var screen = await terminal.WaitForScreenAsync(lines => lines.Any(line => line.StartsWith("EXIT=", StringComparison.Ordinal)));
        Assert.Equal([ChatClientService.Farewell, "EXIT=0"], screen[^2..]);
    }
}
