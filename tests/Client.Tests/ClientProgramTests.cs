using SocketChat.Client.Session;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests;

// The built client as a person or a script runs it: arguments, pipes, signals, exit codes.
[Trait("Category", "Slow")]
public sealed class ClientProgramTests
{
    [Theory]
    [InlineData("--Chat:Port=0", "Chat:Port=0 is not allowed: must be from 1 to 65535")]
    [InlineData("--Chat:Port=http", "Chat:Port=http is not allowed: must be a whole number")]
    [InlineData("--Chat:Reconnect:FirstDelaySeconds=0", "Chat:Reconnect:FirstDelaySeconds=0 is not allowed: must be from 0.01 to 3600 seconds")]
    [InlineData("--Chat:Nick=no spaces", "Chat:Nick=no spaces is not allowed: must be 1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter")]
    [InlineData("--Chat:Nik=alice", "Chat:Nik=alice is not a setting; did you mean Chat:Nick?")]
    [InlineData("--Chat:Tls:CaFile=ca.pem", "Chat:Tls:CaFile=ca.pem is not a setting; did you mean Chat:Tls:CaPath?")]
    public async Task BadSetting_ExitsTwoWithOneLine(string argument, string expected)
    {
        await using var client = StartClient([argument]);
        client.StandardInput.Close();

        var (exitCode, output, error) = await client.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal([expected], error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task PipedLines_ServerWantsAPassword_NoneSentAsChatNorTakenAsThePassword_HintGiven()
    {
        using var data = new TempDirectory();
        TestAccounts.Write(data.File("users.txt"), ("alice", "alice's long password"));
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = data.Path });

        await using var client = StartClient(["--Chat:Host=127.0.0.1", $"--Chat:Port={server.Port}", "--Chat:Nick=alice", "--Chat:Reconnect:Attempts=0"]);
        await client.StandardInput.WriteAsync("alice's long password\nhello\n");
        client.StandardInput.Close();
        var (exitCode, output, _) = await client.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(output, line => line.EndsWith("(with piped input, give the password with --Chat:PasswordFile=FILE)", StringComparison.Ordinal)
            || line == "! error: not sent: you are not logged in yet; answer the prompt first");
        Assert.Equal("! error: no password was given before input ended; for scripts and piped input, give it with --Chat:PasswordFile=FILE", output[^1]);
        Assert.DoesNotContain(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Failed login", StringComparison.Ordinal) || e.MessageTemplate.Text.StartsWith("Message {MessageId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeedForm_HostAndPortPositional_PipedLinesDeliveredThenExitZero()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var marker = $"piped {Guid.NewGuid():N}";

        await using var client = StartClient(["client", "127.0.0.1", port]);
        await client.StandardInput.WriteAsync($"/nick carol\n{marker}\n");
        client.StandardInput.Close();

        Assert.Equal($"carol: {marker}", await bob.ExpectAsync(line => line.StartsWith("carol:", StringComparison.Ordinal)));
        var (exitCode, output, _) = await client.WaitForExitAsync();
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(ChatClientService.Greeting, output);
        Assert.Equal(ChatClientService.Farewell, output[^1]);
        Assert.DoesNotContain(output, line => line.Contains('\u001b', StringComparison.Ordinal));
        // In one of the client logs: a run that crosses midnight has yesterday's beside today's.
        var logs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "logs"), "socketchat-client-*.log");
        var contents = await Task.WhenAll(logs.Select(ReadSharedAsync));
        Assert.Contains(contents, content => content.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Interrupt_ClosesCleanlyAndExitsZero()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = StartClient(["--Chat:Host=127.0.0.1", $"--Chat:Port={server.Port}"]);
        await client.ReadOutputLineAsync(line => line.StartsWith("* connected", StringComparison.Ordinal));

        await client.SignalAsync("INT");

        var (exitCode, output, _) = await client.WaitForExitAsync();
        Assert.Equal(0, exitCode);
        Assert.Equal(ChatClientService.Farewell, output[^1]);
    }

    [Fact]
    public async Task Unreachable_AttemptsZero_NamesAddressAndReasonAndExitsOne()
    {
        int port;
        await using (var server = await TestServer.StartAsync())
        {
            port = server.Port;
        }

        await using var client = StartClient(["--Chat:Host=127.0.0.1", $"--Chat:Port={port}", "--Chat:Reconnect:Attempts=0"]);

        var (exitCode, output, _) = await client.WaitForExitAsync();
        Assert.Equal(1, exitCode);
        Assert.Equal($"! error: cannot connect to 127.0.0.1:{port}: connection refused; giving up", output[^1]);
    }

    [Fact]
    public async Task HelpVersionAndAnArgumentNotUnderstood_UsageExitZero_VersionExitZero_RefusedExitTwo()
    {
        await using (var help = StartClient(["--help"]))
        {
            var (exitCode, output, _) = await help.WaitForExitAsync();
            Assert.Equal(0, exitCode);
            Assert.Equal("SocketChat client: a terminal chat client for a SocketChat server.", output[0]);
            Assert.Contains(output, line => line.StartsWith("usage: SocketChat.Client [HOST [PORT]]", StringComparison.Ordinal));
        }

        await using (var version = StartClient(["--version"]))
        {
            var (exitCode, output, _) = await version.WaitForExitAsync();
            Assert.Equal(0, exitCode);
            Assert.Matches(@"^SocketChat\.Client \d+\.\d+\.\d+", Assert.Single(output));
        }

        await using var extra = StartClient(["127.0.0.1", "8080", "extra"]);
        var (code, _, error) = await extra.WaitForExitAsync();
        Assert.Equal(2, code);
        Assert.Equal(["'extra' is not an argument this program takes (see --help)"], error);
    }

    private static ChildProcess StartClient(string[] arguments) =>
        ChildProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "SocketChat.Client.dll"), .. arguments]);

    // The client may still hold the log open for appending.
    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
