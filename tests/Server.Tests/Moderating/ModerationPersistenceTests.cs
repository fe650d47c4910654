using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Moderating;

// Roles, topics, modes and bans are log entries: a restart applies them again; export lists them; a ban that
// expires ends by itself; one can be lifted from the command line with the server stopped.
public sealed class ModerationPersistenceTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private Task<TestServer> StartAsync() => TestServer.StartAsync(new() { ["Chat:DataDirectory"] = _data.Path });

    [Fact]
    public async Task RolesTopicModesAndBans_SurviveARestart_ExportListsThemInOrder_BansCommandLiftsOne()
    {
        await using (var server = await StartAsync())
        {
            await using var alice = await server.ConnectAsAsync("alice");
            await using var bob = await server.ConnectAsAsync("bob");
            await alice.SendAsync("/join den");
            await alice.SendAsync("/who");
            await alice.ExpectAsync(line => line == "* den (1): ~alice");
            await bob.SendAsync("/join den");
            await alice.ExpectAsync(line => line == "* bob joined den");
            await alice.SendAsync("/op bob");
            await alice.SendAsync("/topic Kept across restarts");
            await alice.SendAsync("/mode +m");
            await alice.SendAsync("/ban mallory");
            await alice.ExpectAsync(line => line == "* alice banned mallory!*@* from den");
        }

        await using (var server = await StartAsync())
        {
            await using var mallory = await server.ConnectAsAsync("mallory");
            await mallory.SendAsync("/join den");
            Assert.Equal("! error: you are banned from den", await mallory.ExpectAsync(line => line.StartsWith('!')));
            await using var carol = await server.ConnectAsAsync("carol");
            await carol.SendAsync("/join den");
            await carol.ExpectAsync(line => line == "* carol joined den");
            Assert.Equal("* topic of den: Kept across restarts (set by alice)", await carol.ReadLineAsync());
            await carol.SendAsync("/who");
            Assert.Equal("* den (1): carol; topic: Kept across restarts", await carol.ExpectAsync(line => line.StartsWith("* den (", StringComparison.Ordinal)));
            await carol.SendAsync("/mode");
            Assert.Equal("* den modes: +mnt", await carol.ReadLineAsync());
            await carol.SendAsync("anyone?");
            Assert.Equal("! error: den is moderated: only members with a voice can speak", await carol.ReadLineAsync());

            // Bob's operator role is his nickname's: he comes back an operator.
            await using var bob = await server.ConnectAsAsync("bob");
            await bob.SendAsync("/join den");
            await carol.ExpectAsync(line => line == "* bob joined den");
            await bob.SendAsync("/voice carol");
            Assert.Equal("* bob gave carol a voice in den", await carol.ReadLineAsync());
        }

        await using var export = ChildProcess.StartServer(["export", "--room", "den", $"--Chat:DataDirectory={_data.Path}"]);
        var (exported, lines, _) = await export.WaitForExitAsync();
        Assert.Equal(0, exported);
        Assert.Equal(
            [
                "moderation den alice op bob",
                "moderation den alice topic  Kept across restarts",
                "moderation den alice mode  +m",
                "moderation den alice ban mallory!*@*",
                "moderation den bob voice carol",
            ],
            lines.Select(Summary));

        await using var listed = ChildProcess.StartServer(["bans", "list", "--room", "den", $"--Chat:DataDirectory={_data.Path}"]);
        var (listCode, bans, _) = await listed.WaitForExitAsync();
        Assert.Equal(0, listCode);
        Assert.Matches(@"^ban mallory!\*@\* by alice at \S+Z$", Assert.Single(bans));
        await using var removed = ChildProcess.StartServer(["bans", "remove", "mallory", "--room", "den", $"--Chat:DataDirectory={_data.Path}"]);
        var (removeCode, said, _) = await removed.WaitForExitAsync();
        Assert.Equal(0, removeCode);
        Assert.Equal(["lifted the ban on mallory!*@* in den"], said);

        await using (var server = await StartAsync())
        {
            await using var mallory = await server.ConnectAsAsync("mallory");
            await mallory.SendAsync("/join den");
            await mallory.ExpectAsync(line => line == "* mallory joined den");
        }
    }

    [Fact]
    public async Task BansRemove_WhileTheServerRuns_RefusedNamingTheWayThere()
    {
        await using var server = await StartAsync();
        await using var removed = ChildProcess.StartServer(["bans", "remove", "mallory", $"--Chat:DataDirectory={_data.Path}"]);
        var (code, _, error) = await removed.WaitForExitAsync();
        Assert.Equal(1, code);
        Assert.Equal([$"Chat:DataDirectory={_data.Path} is in use by another server (process {Environment.ProcessId}); each server needs a data directory of its own; while it runs, lift the ban there: /unban mallory (or from its console)"], error);
    }

    [Fact]
    public async Task ExpiringBan_EndsByItself()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.SendAsync("/join den");
        await alice.SendAsync("/who");
        await alice.ExpectAsync(line => line == "* den (1): ~alice");
        await alice.SendAsync("/ban bob 1s");
        await alice.ExpectAsync(line => line.StartsWith("* alice banned bob!*@* from den until ", StringComparison.Ordinal));
        await bob.SendAsync("/join den");
        Assert.Equal("! error: you are banned from den", await bob.ExpectAsync(line => line.StartsWith('!')));

        // Tried again until the second is up (bounded by the test timeout): then it is let in.
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        string answer;
        do
        {
            await bob.SendAsync("/join den");
            answer = await bob.ExpectAsync(line => line.StartsWith('!') || line == "* bob joined den");
        }
        while (answer.StartsWith('!') && DateTime.UtcNow < deadline);

        Assert.Equal("* bob joined den", answer);
    }

    // "moderation ROOM BY ACTION TARGET TEXT" of an exported line.
    private static string Summary(string line)
    {
        using var document = System.Text.Json.JsonDocument.Parse(line);
        var root = document.RootElement;
        string Field(string name) => root.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty;
        return $"{Field("type")} {Field("room")} {Field("by")} {Field("action")} {Field("target")} {Field("text")}".TrimEnd();
    }
}
