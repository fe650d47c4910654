using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// What the server says as it starts: where its files are, what is on, and when anyone can walk in.
[Trait("Category", "Slow")]
public sealed class StartupSummaryTests
{
    [Fact]
    public async Task Start_SaysWhereTheDataAndLogAre_WhatIsOn_NoWarningOnLoopback()
    {
        using var data = new TempDirectory();
        await using var server = ChildProcess.StartServer(["--Chat:Host=127.0.0.1", "--Chat:Port=0", $"--Chat:DataDirectory={data.Path}"]);

        var summary = await server.ReadOutputLineAsync(line => line.Contains("] Data: ", StringComparison.Ordinal));
        Assert.EndsWith($"INF] Data: {data.Path}; log: standard output; TLS: off; accounts: off (anyone may pick a nickname)", summary, StringComparison.Ordinal);
        await server.TerminateAsync();
        var (_, output, _) = await server.WaitForExitAsync();
        Assert.DoesNotContain(output, line => line.Contains("every interface", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryInterfaceAndNoAccounts_Warned()
    {
        await using var server = ChildProcess.StartServer(["--Chat:Port=0"]);

        var warning = await server.ReadOutputLineAsync(line => line.Contains("every interface", StringComparison.Ordinal));
        Assert.Matches(@"WRN\] Listening on every interface with no accounts: anyone who can reach port \d+ can chat here\. Keep it to this machine with Chat:Host=127\.0\.0\.1, or require accounts with Chat:Auth:Mode=password$", warning);
    }

    // Run from a build in a clone, as dotnet run does: the data goes where a rebuild or git clean leaves it.
    [Fact]
    public async Task FromACloneWithNoDataDirectorySet_DataInTheUsersDataDirectory()
    {
        using var home = new TempDirectory();
        await using var server = ChildProcess.Start(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "SocketChat.Server.dll"), "--Chat:Host=127.0.0.1", "--Chat:Port=0"],
            new Dictionary<string, string> { ["XDG_DATA_HOME"] = home.Path });

        var summary = await server.ReadOutputLineAsync(line => line.Contains("] Data: ", StringComparison.Ordinal));

        Assert.Contains($"] Data: {Path.Combine(home.Path, "socketchat")}; ", summary, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(home.Path, "socketchat", "messages.db")));
    }

    [Fact]
    public async Task OperatorConsole_ShowsWhereTheDataAndLogAre()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:OperatorConsole"] = "On" }, new TestConsoleBridge(isTerminal: true));

        Assert.StartsWith("Data: ", await server.Console.WaitForOutputAsync(line => line.StartsWith("Data: ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal("TLS: off; accounts: off (anyone may pick a nickname)", await server.Console.WaitForOutputAsync(line => line.StartsWith("TLS: ", StringComparison.Ordinal)));
    }
}
