using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class StorageTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Join_NewcomerWelcomedThenShownTheRoomsLastMessagesMarkedAsHistory()
    {
        await using var server = await StartAsync(new() { ["Chat:History:OnJoin"] = "2" });
        await using var alice = await server.ConnectAsAsync("alice");
        foreach (var text in new[] { "one", "two", "three" })
        {
            await alice.SendAsync(text);
        }

        await server.WaitUntilStoredAsync("three");
        await using var bob = await server.ConnectAsync();

        Assert.Equal("* welcome to SocketChat, guest2! You are in lobby. Type /help for commands.", await bob.ReadLineAsync());
        Assert.Equal("[history] alice: two", await bob.ReadLineAsync());
        Assert.Equal("[history] alice: three", await bob.ReadLineAsync());
        await alice.SendAsync("live");
        Assert.Equal("alice: live", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Join_WhileTheRoomIsBusy_HistoryThenLiveWithoutGapOrOverlap()
    {
        // A slow store: each history read takes long enough for live lines to arrive meanwhile, and each batch sits
        // stored but undelivered for a while.
        await using var server = await TestServer.StartAsync(
            new()
            {
                ["Chat:History:OnJoin"] = "1000",
                ["Chat:DataDirectory"] = _data.Path,

                // The flood lasts about three seconds, so lines keep coming while the newcomer enters.
                ["Chat:Limits:ExemptLoopback"] = "false",
                ["Chat:Limits:MessagesPerSecond"] = "200",
                ["Chat:Limits:Burst"] = "10",
            },
            services => services.AddSingleton<SocketChat.Server.Storage.IMessageStore>(_ => new Storage.FaultyStore(new SocketChat.Server.Storage.SqliteMessageStore(_data.File("messages.db")))
            {
                ReadDelay = TimeSpan.FromMilliseconds(200),
                CommitDelay = TimeSpan.FromMilliseconds(20),
            }));
        await using var alice = await server.ConnectAsAsync("alice");
        var sending = alice.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 600).Select(i => $"{i}\n"))));
        await server.WaitUntilStoredAsync("100");

        // Enters mid-flood: what was said before it is history, what after live; together, every line from some
        // point on, once each.
        await using var bob = await server.ConnectAsync();
        Assert.StartsWith("* welcome", await bob.ReadLineAsync(), StringComparison.Ordinal);
        var seen = new List<int>();
        while (seen.Count == 0 || seen[^1] < 599)
        {
            var line = await bob.ReadLineAsync() ?? throw new InvalidOperationException("closed");
            seen.Add(int.Parse(line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        await sending;
        Assert.Equal(Enumerable.Range(seen[0], 600 - seen[0]), seen);
        Assert.InRange(seen[0], 0, 100);
    }

    [Fact]
    public async Task HistoryRequests_TextLastN_JsonPagesBeforeAndAfter_EachClosedByHistoryEnd()
    {
        await using var server = await StartAsync(new() { ["Chat:History:OnJoin"] = "0" });
        await using var alice = await server.ConnectAsAsync("alice");
        for (var i = 1; i <= 10; i++)
        {
            await alice.SendAsync($"m{i}");
        }

        await server.WaitUntilStoredAsync("m10");
        await alice.SendAsync("/history 2");
        Assert.Equal(["[history] alice: m9", "[history] alice: m10", "* end of history (2 messages)"], await alice.ReadLinesAsync(3));

        await using var bob = await JsonModeTests.ConnectJsonAsync(server, "bob");
        await bob.SendAsync("""{"type":"history","limit":3,"before":8,"cid":"h1"}""");
        Assert.Equal(["m5", "m6", "m7"], [Text(await bob.ReadLineAsync()), Text(await bob.ReadLineAsync()), Text(await bob.ReadLineAsync())]);
        Assert.Equal("""{"type":"history_end","room":"lobby","count":3,"cid":"h1"}""", await bob.ReadLineAsync());
        await bob.SendAsync("""{"type":"history","limit":2,"after":8}""");
        Assert.Equal(["m9", "m10"], [Text(await bob.ReadLineAsync()), Text(await bob.ReadLineAsync())]);
        Assert.Equal("""{"type":"history_end","room":"lobby","count":2}""", await bob.ReadLineAsync());
        await bob.SendAsync("""{"type":"history","limit":501}""");
        Assert.Equal("""{"type":"error","code":"bad_arguments","message":"\"limit\" must be from 1 to 500; \"before\" and \"after\" message ids"}""", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Restart_SameDataDirectory_HistoryKeptAndIdsGoOnIncreasing()
    {
        await using (var first = await StartAsync())
        {
            await using var alice = await JsonModeTests.ConnectJsonAsync(first, "alice");
            await alice.SendAsync("""{"type":"message","cid":"a","text":"before the restart"}""");
            Assert.Contains("\"id\":1,", await alice.ReadLineAsync(), StringComparison.Ordinal);
        }

        await using var second = await StartAsync();
        await using var bob = await second.ConnectAsync();
        Assert.StartsWith("* welcome", await bob.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("[history] alice: before the restart", await bob.ReadLineAsync());
        await using var carol = await JsonModeTests.ConnectJsonAsync(second, "carol");
        await carol.SendAsync("""{"type":"message","cid":"c","text":"after"}""");
        Assert.Equal(2, JsonDocument.Parse(await carol.ExpectAsync(line => line.StartsWith("{\"type\":\"ack\"", StringComparison.Ordinal))).RootElement.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task MemoryProvider_NothingOnDisk_HistoryStillShown()
    {
        await using var server = await StartAsync(new() { ["Chat:Storage:Provider"] = "memory" });
        await using var alice = await server.ConnectAsAsync("alice");
        await alice.SendAsync("kept in memory");
        await server.WaitUntilStoredAsync("kept in memory");

        await using var bob = await server.ConnectAsync();
        await bob.ReadLineAsync();

        Assert.Equal("[history] alice: kept in memory", await bob.ReadLineAsync());
        Assert.False(File.Exists(_data.File("messages.db")));
    }

    [Fact]
    public async Task Retention_MaxMessagesPerRoom_OlderPrunedAtStart()
    {
        await using (var first = await StartAsync())
        {
            await using var alice = await first.ConnectAsAsync("alice");
            for (var i = 1; i <= 5; i++)
            {
                await alice.SendAsync($"r{i}");
            }

            await first.WaitUntilStoredAsync("r5");
        }

        await using var second = await StartAsync(new() { ["Chat:History:MaxMessagesPerRoom"] = "2" });
        await second.Log.WaitForAsync(e => e.RenderMessage() == "Pruned 3 messages (retention)");
        await using var bob = await second.ConnectAsync();
        await bob.ReadLineAsync();
        await bob.SendAsync("/history 10");

        // The two kept are shown on joining, and again when asked for.
        Assert.Equal(["[history] alice: r4", "[history] alice: r5"], await bob.ReadLinesAsync(2));
        Assert.Equal(["[history] alice: r4", "[history] alice: r5", "* end of history (2 messages)"], await bob.ReadLinesAsync(3));
    }

    [Fact]
    public async Task StoragePathUnusable_OneClearLine_ExitCodeTwo()
    {
        await File.WriteAllTextAsync(_data.File("messages.db"), "this is not a database, just some text long enough to be read as a header");

        await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", $"--Chat:DataDirectory={_data.Path}", "--Chat:OperatorConsole=Off"]);
        var (exitCode, _, error) = await server.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal([$"cannot use {_data.File("messages.db")} as the message store: SQLite Error 26: 'file is not a database'."], error);
    }

    [Fact]
    public async Task Export_RoomAsJsonLines_SinceFilters()
    {
        await using (var server = await StartAsync())
        {
            await using var alice = await server.ConnectAsAsync("alice");
            await alice.SendAsync("for the archive");
            await alice.SendAsync("/join other");
            await alice.SendAsync("elsewhere");
            await server.WaitUntilStoredAsync("elsewhere");
        }

        await using var export = ChildProcess.StartServer(["export", "--room", "lobby", $"--Chat:DataDirectory={_data.Path}"]);
        var (exitCode, output, _) = await export.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        var line = Assert.Single(output);
        Assert.Matches("""^\{"type":"message","id":1,"ts":"[0-9T:.Z-]+","room":"lobby","from":"alice","text":"for the archive"\}$""", line);
        await using var later = ChildProcess.StartServer(["export", "--room", "lobby", "--since", "2999-01-01", $"--Chat:DataDirectory={_data.Path}"]);
        Assert.Empty((await later.WaitForExitAsync()).Output);
    }

    [Fact]
    public async Task Export_SinceNotADate_SaysWhatIsWrongThenTheUsage_ExitTwo()
    {
        await using var export = ChildProcess.StartServer(["export", "--room", "lobby", "--since", "yesterday", $"--Chat:DataDirectory={_data.Path}"]);

        var (exitCode, output, error) = await export.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Equal("--since yesterday is not a date or time: use 2026-11-27 or 2026-11-27T08:00:00Z", error[0]);
        Assert.StartsWith("usage: SocketChat.Server export", error[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientIdReusedAfterMoreThanTheMemoryWindow_FoundInTheStore_AcknowledgedWithItsFirstId()
    {
        await using var server = await StartAsync();
        await using var alice = await JsonModeTests.ConnectJsonAsync(server, "alice");
        var lines = new System.Text.StringBuilder("""{"type":"message","cid":"first","text":"original"}""" + "\n");
        for (var n = 0; n < 1100; n++)
        {
            lines.Append($$"""{"type":"message","cid":"n{{n}}","text":"filler {{n}}"}""").Append('\n');
        }

        await alice.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(lines.ToString()));
        var firstAck = await alice.ExpectAsync(line => line.Contains("\"cid\":\"first\"", StringComparison.Ordinal));
        await alice.ExpectAsync(line => line.Contains("\"cid\":\"n1099\"", StringComparison.Ordinal));

        await alice.SendAsync("""{"type":"message","cid":"first","text":"original"}""");

        Assert.Equal(firstAck, await alice.ExpectAsync(line => line.Contains("\"type\":\"ack\"", StringComparison.Ordinal)));
        await alice.SendAsync("""{"type":"message","cid":"after","text":"still working"}""");
        Assert.Contains("\"id\":1102,", await alice.ExpectAsync(line => line.Contains("\"type\":\"ack\"", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondServerOnTheSameDataDirectory_RefusedAtStart_NamingTheProcess_TheFirstGoesOn()
    {
        await using var first = await StartAsync();

        var refused = await Assert.ThrowsAsync<SocketChat.Server.Storage.StorageException>(() => StartAsync());

        Assert.Equal(
            $"Chat:DataDirectory={_data.Path} is in use by another server (process {Environment.ProcessId}); each server needs a data directory of its own",
            refused.Message);
        Assert.Equal(2, ((SocketChat.Hosting.Options.IReportedAtStartup)refused).ExitCode);
        await using var alice = await first.ConnectAsAsync("alice");
        await alice.SendAsync("/ping");
        Assert.Equal("* pong", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task SecondServerProcessOnTheSameDataDirectory_ExitsTwo_OneLineNamingTheFirst()
    {
        await using var first = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", $"--Chat:DataDirectory={_data.Path}"]);
        await first.ReadListeningPortAsync();

        await using var second = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", $"--Chat:DataDirectory={_data.Path}"]);
        var (code, output, error) = await second.WaitForExitAsync();

        Assert.Equal(2, code);
        Assert.Equal([$"Chat:DataDirectory={_data.Path} is in use by another server (process {first.Id}); each server needs a data directory of its own"], error);
        Assert.DoesNotContain(output, line => line.Contains("Listening on", StringComparison.Ordinal));
    }

    private static string Text(string? line) => JsonDocument.Parse(line!).RootElement.GetProperty("text").GetString()!;

    private Task<TestServer> StartAsync(Dictionary<string, string?>? settings = null) =>
        TestServer.StartAsync(new Dictionary<string, string?> { ["Chat:DataDirectory"] = _data.Path }, settings);
}
