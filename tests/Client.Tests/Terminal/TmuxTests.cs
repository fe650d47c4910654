using SocketChat.Client.Session;
using SocketChat.Client.Tests.Infrastructure;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Terminal;

// The built client in a real terminal (tmux, installed by tests/run.sh), used as a person would.
[Trait("Category", "Slow")]
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

    // Password mode over TLS in a real terminal, several times over, as a person would use it: a line typed before
    // any prompt shows is never sent, the password prompt appears every time, and Ctrl+C always ends the client.
    [Fact]
    public async Task RealTerminal_TlsPasswordLogin_EarlyLineNeverSent_PromptEveryTime_CtrlCAlwaysWorks()
    {
        const string password = "alice's long password";
        using var data = new TempDirectory();
        var (certificatePath, keyPath, certificate) = TestCertificates.CreateServer(data.Path);
        TestAccounts.Write(data.File("users.txt"), ("alice", password), ("watcher", "watcher's long password"));
        await using var server = await TestServer.StartAsync(TestServer.TlsSettings(data.Path, certificatePath, keyPath), new Dictionary<string, string?> { ["Chat:Auth:Mode"] = "password" });
        await using var watcher = await TestClient.ConnectTlsAsync(server.Port, certificate);
        await watcher.ReadLineAsync();
        await watcher.SendAsync("/login watcher watcher's long password");
        await watcher.ExpectAsync(line => line.StartsWith("* welcome", StringComparison.Ordinal));
        var client = Path.Combine(AppContext.BaseDirectory, "SocketChat.Client.dll");

        for (var run = 1; run <= 4; run++)
        {
            await using var terminal = await TmuxSession.StartAsync(
                $"dotnet {client} --Chat:Host=localhost --Chat:Port={server.Port} --Chat:Tls:Enabled=true --Chat:Tls:CaPath={certificatePath} --Chat:Nick=alice; echo EXIT=$?; sleep 60");

            // Typed at once, before the client has even started: what a user does who expects the password prompt.
            await terminal.TypeAsync("notalicespass");
            await terminal.PressAsync("Enter");
            await terminal.WaitForScreenAsync(lines => lines.Length > 0 && lines[^1] == "Password for alice:");
            if (run == 4)
            {
                // Ctrl+C at the password prompt.
                await terminal.PressAsync("C-c");
                var closed = await terminal.WaitForScreenAsync(lines => lines.Any(line => line.StartsWith("EXIT=", StringComparison.Ordinal)));
                Assert.Equal("EXIT=0", closed[^1]);
                break;
            }

            await terminal.TypeAsync(password);
            await terminal.PressAsync("Enter");
            await terminal.WaitForScreenAsync(lines => lines.Contains($"* connected to localhost:{server.Port} as alice in lobby") && lines[^1] == " You:");
            await terminal.TypeAsync($"run {run}");
            await terminal.PressAsync("Enter");
            Assert.Equal("* alice joined lobby", await watcher.ReadLineAsync());
            Assert.Equal($"alice: run {run}", await watcher.ReadLineAsync());

            await terminal.PressAsync("C-c");
            var screen = await terminal.WaitForScreenAsync(lines => lines.Any(line => line.StartsWith("EXIT=", StringComparison.Ordinal)));
            Assert.Equal([ChatClientService.Farewell, "EXIT=0"], screen[^2..]);
            Assert.DoesNotContain(password, string.Join('\n', screen), StringComparison.Ordinal);
            Assert.Equal("* alice left lobby", await watcher.ReadLineAsync());
        }

        Assert.DoesNotContain("notalicespass", server.Log.RenderAll(), StringComparison.Ordinal);
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
