using SocketChat.Server.Accounts;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class AccountsTests : IDisposable
{
    private const string AlicePassword = "correct horse battery";
    private const string BobPassword = "bob's own secret";

    // Hashing at 600,000 iterations takes a moment; every test shares the two accounts.
    private static readonly Lazy<(string Name, string Hash)[]> Accounts = new(() =>
        [("alice", PasswordHasher.Hash(AlicePassword)), ("bob", PasswordHasher.Hash(BobPassword))]);

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task NotLoggedIn_OnlyHelpPingQuitAndLogin_OthersRefused()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();

        Assert.Equal("* this server needs an account: /login NAME PASSWORD", await client.ReadLineAsync());
        await client.SendAsync("hello");
        Assert.Equal("! error: log in first: /login NAME PASSWORD", await client.ReadLineAsync());
        await client.SendAsync("/join dev");
        Assert.Equal("! error: log in first: /login NAME PASSWORD", await client.ReadLineAsync());
        await client.SendAsync("/ping");
        Assert.Equal("* pong", await client.ReadLineAsync());
        await client.SendAsync("/help");
        Assert.Equal("* commands:", await client.ReadLineAsync());
        await client.ExpectAsync(line => line.StartsWith("* names:", StringComparison.Ordinal));
        await client.SendAsync("/quit");
        Assert.Equal(["* bye"], await client.ReadToEndAsync());
        Assert.DoesNotContain(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Message {MessageId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongPasswordOrUnknownAccount_SameOneError_ConnectionStaysUp_RightPasswordThenWelcomes()
    {
        await using var server = await StartAsync();
        await using var watcher = await LogInAsync(server, "bob", BobPassword);
        await using var client = await server.ConnectAsync();
        await client.ReadLineAsync();

        await client.SendAsync("/login alice not-the-password");
        Assert.Equal("! error: wrong account name or password", await client.ReadLineAsync());
        await client.SendAsync("/login mallory whatever-it-is");
        Assert.Equal("! error: wrong account name or password", await client.ReadLineAsync());
        await client.SendAsync($"/login ALICE {AlicePassword}");
        Assert.Equal("* welcome to SocketChat, alice! You are in lobby. Type /help for commands.", await client.ReadLineAsync());
        await client.SendAsync("hi bob");

        Assert.Equal("* alice joined lobby", await watcher.ReadLineAsync());
        Assert.Equal("alice: hi bob", await watcher.ReadLineAsync());
        Assert.Equal(2, server.Log.Events.Count(e => e.MessageTemplate.Text.StartsWith("Failed login", StringComparison.Ordinal)));
        AssertNoPasswordLogged(server);
    }

    [Fact]
    public async Task LoggedIn_NickIsTheAccount_CannotBeChanged_AndLoginTwiceRefused()
    {
        await using var server = await StartAsync();
        await using var alice = await LogInAsync(server, "alice", AlicePassword);

        await alice.SendAsync("/nick bob");
        Assert.Equal("! error: on this server your nickname is your account name", await alice.ReadLineAsync());
        await alice.SendAsync($"/login bob {BobPassword}");
        Assert.Equal("! error: you are already logged in as alice", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task OneSessionPerAccount_SameAccountLogsInAgain_EarlierConnectionToldAndClosed_NewOneKeepsItsRoom()
    {
        await using var server = await StartAsync(new() { ["Chat:Auth:MaxSessionsPerAccount"] = "1" });
        await using var bob = await LogInAsync(server, "bob", BobPassword);
        await using var first = await LogInAsync(server, "alice", AlicePassword);
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());

        await using var second = await server.ConnectAsync();
        await second.ReadLineAsync();
        await second.SendAsync($"/login alice {AlicePassword}");

        Assert.Equal("* welcome to SocketChat, alice! You are in lobby. Type /help for commands.", await second.ReadLineAsync());
        var closing = await first.ReadToEndAsync();
        Assert.Single(closing);
        Assert.Matches(@"^! error: you logged in again from 127\.0\.0\.1:\d+; this connection closes$", closing[0]);
        Assert.Equal("* alice left lobby", await bob.ReadLineAsync());
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());
        await second.SendAsync("still me");
        Assert.Equal("alice: still me", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task ManyFailures_NextAttemptFromThatAddressWaits_AndIsLogged()
    {
        await using var server = await StartAsync(new() { ["Chat:Auth:MaxFailuresPerMinute"] = "2" });
        await using var client = await server.ConnectAsync();
        await client.ReadLineAsync();
        await client.SendAsync("/login alice guess-one");
        await client.ReadLineAsync();
        await client.SendAsync("/login alice guess-two");
        await client.ReadLineAsync();

        // A new connection from the same address does not get a fresh allowance.
        await using var again = await server.ConnectAsync();
        await again.ReadLineAsync();
        await again.SendAsync($"/login alice {AlicePassword}");

        Assert.Matches(@"^\* too many failed logins from your address; this attempt waits (59|60) s$", await again.ReadLineAsync());
        await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Too many failed logins", StringComparison.Ordinal));
        AssertNoPasswordLogged(server);
    }

    [Fact]
    public async Task ThirtyParallelWrongLogins_FromOneAddress_FiveChecked_TheOthersWaitAndAreThrottled()
    {
        await using var server = await StartAsync();
        var clients = await ConnectManyAsync(server, 30);

        await Task.WhenAll(clients.Select(client => client.SendAsync("/login alice guess-parallel")));

        var first = await Task.WhenAll(clients.Select(client => client.ReadLineAsync()));
        Assert.Equal(5, first.Count(line => line == "! error: wrong account name or password"));

        // The others wait: told so while the five are being checked (on a busy machine the five may have failed
        // already), and once they have failed, held for the rest of the minute, not checked.
        const string AtOnce = "* too many logins from your address at once; this attempt waits until the others are checked";
        const string Failed = @"^\* too many failed logins from your address; this attempt waits (5[0-9]|60) s$";
        var waiting = clients.Where((_, i) => first[i]!.StartsWith('*')).ToArray();
        Assert.Equal(25, waiting.Length);
        foreach (var (client, told) in waiting.Zip(first.Where(line => line!.StartsWith('*'))))
        {
            Assert.Matches(Failed, told == AtOnce ? await client.ReadLineAsync() : told);
        }

        Assert.Equal(5, server.Log.Events.Count(e => e.MessageTemplate.Text.StartsWith("Failed login", StringComparison.Ordinal)));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task LoginsBeyondWhatTheHashersCanTake_RefusedAsBusyAtOnce_NotQueued()
    {
        // Many addresses' worth of guesses at once (the per-address limit raised so one address can stand for them).
        await using var server = await StartAsync(new() { ["Chat:Auth:MaxFailuresPerMinute"] = "1000" });
        var clients = await ConnectManyAsync(server, 30);

        await Task.WhenAll(clients.Select(client => client.SendAsync("/login alice guess-busy")));

        var replies = await Task.WhenAll(clients.Select(client => client.ReadLineAsync()));
        var busy = replies.Count(line => line == "! error: the server is busy checking other logins; try again in a few seconds");
        Assert.Equal(30, busy + replies.Count(line => line == "! error: wrong account name or password"));
        Assert.InRange(busy, 1, 30 - Math.Max(1, Environment.ProcessorCount / 2));
        Assert.Equal(busy, server.Log.Events.Count(e => e.MessageTemplate.Text.StartsWith("Refused a login", StringComparison.Ordinal)));

        // A refused login was not a guess: the same connection may log in right away.
        var refused = clients[Array.FindIndex(replies, line => line!.Contains("busy", StringComparison.Ordinal))];
        await refused.SendAsync($"/login alice {AlicePassword}");
        Assert.Equal("* welcome to SocketChat, alice! You are in lobby. Type /help for commands.", await refused.ExpectAsync(line => !line.StartsWith('!')));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task NoLoginWithinTheTimeout_ToldAndClosed()
    {
        await using var server = await StartAsync(new() { ["Chat:Auth:LoginTimeoutSeconds"] = "1" });
        await using var client = await server.ConnectAsync();

        Assert.Equal(
            ["* this server needs an account: /login NAME PASSWORD", "! error: not logged in within 1 s; closing"],
            await client.ReadToEndAsync());
    }

    [Fact]
    public async Task JsonMode_LoginEvent_WelcomeWithToken_ResumeAfterDropKeepsTheAccount()
    {
        await using var server = await StartAsync();
        string token;
        await using (var client = await server.ConnectAsync())
        {
            await client.SendAsync("/json");
            Assert.Equal("""{"type":"login_required"}""", await client.ReadLineAsync());
            await client.SendAsync("""{"type":"message","text":"too early","cid":"c1"}""");
            Assert.Equal("""{"type":"error","code":"login_required","message":"log in first: /login NAME PASSWORD","cid":"c1"}""", await client.ReadLineAsync());
            await client.SendAsync($$"""{"type":"login","name":"alice","password":"{{AlicePassword}}","cid":"l1"}""");
            var welcome = await client.ReadLineAsync();
            Assert.Matches("""^\{"type":"welcome","nick":"alice","room":"lobby","protocol":1,"token":"[A-Za-z0-9_-]+"\}$""", welcome);
            token = System.Text.Json.JsonDocument.Parse(welcome!).RootElement.GetProperty("token").GetString()!;
        }

        await using var resumed = await server.ConnectAsync();
        await resumed.SendAsync($"/json resume {token} 0");

        Assert.Equal($$"""{"type":"welcome","nick":"alice","room":"lobby","protocol":1,"token":"{{token}}","resumed":true}""", await resumed.ExpectAsync(line => line.StartsWith('{')));
        AssertNoPasswordLogged(server);
    }

    [Fact]
    public async Task JsonMode_AfterTheTextGreeting_LoginRequiredSaidAgainInJson()
    {
        // A TLS client checking the certificate may say /json after the server has greeted it as text.
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();
        Assert.Equal("* this server needs an account: /login NAME PASSWORD", await client.ReadLineAsync());

        await client.SendAsync("/json");

        Assert.Equal("""{"type":"login_required"}""", await client.ReadLineAsync());
        await client.SendAsync($$"""{"type":"login","name":"alice","password":"{{AlicePassword}}"}""");
        Assert.StartsWith("""{"type":"welcome","nick":"alice",""", await client.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountRemovedWhileLoggedIn_FileChangeNoticed_ConnectionClosed()
    {
        await using var server = await StartAsync();
        await using var bob = await LogInAsync(server, "bob", BobPassword);

        UsersFile.Write(_data.File("users.txt"), Accounts.Value.Where(account => account.Name != "bob"));

        Assert.Equal(["! error: your account was removed"], await bob.ReadToEndAsync());
        await server.Log.WaitForAsync(e => e.RenderMessage() == $"Loaded 1 accounts from \"{_data.File("users.txt")}\"");
    }

    [Fact]
    public async Task UsersFileMovedAsideWhileRunning_AccountsKept_NobodyLoggedOut_PutBackReloads()
    {
        await using var server = await StartAsync();
        await using var bob = await LogInAsync(server, "bob", BobPassword);
        var path = _data.File("users.txt");

        File.Move(path, path + ".editing");
        await server.Log.WaitForAsync(e => e.RenderMessage() == $"The accounts file \"{path}\" is missing; keeping the 2 accounts loaded before (to remove every account, empty the file)");
        await bob.SendAsync("/ping");
        Assert.Equal("* pong", await bob.ReadLineAsync());
        await using var alice = await LogInAsync(server, "alice", AlicePassword);

        File.Move(path + ".editing", path);
        var loaded = $"Loaded 2 accounts from \"{path}\"";
        await server.Log.WaitForAsync(e => e.RenderMessage() == loaded && server.Log.Events.Count(f => f.RenderMessage() == loaded) == 2);
        await bob.SendAsync("/ping");
        Assert.Equal(["* alice joined lobby", "* pong"], await bob.ReadLinesAsync(2));
    }

    [Fact]
    public async Task AccountAddedWhileRunning_CanLogIn()
    {
        await using var server = await StartAsync(accounts: []);

        UsersFile.Write(_data.File("users.txt"), Accounts.Value);
        await server.Log.WaitForAsync(e => e.RenderMessage() == $"Loaded 2 accounts from \"{_data.File("users.txt")}\"");

        await using var alice = await LogInAsync(server, "alice", AlicePassword);
    }

    [Fact]
    public async Task PasswordModeOff_LoginAnswered_NoAccountsHere()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ReadLineAsync();

        await client.SendAsync("/login alice whatever-it-is");

        Assert.Equal("! error: this server has no accounts; choose a nickname with /nick NAME", await client.ReadLineAsync());
    }

    [Fact]
    public async Task MalformedUsersFile_RefusedAtStart_NamingKeyFileAndLine()
    {
        await File.WriteAllTextAsync(_data.File("users.txt"), "# accounts\nalice:plaintext-password\n");

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync(writeAccounts: false));

        Assert.Equal(
            $"Chat:Auth:UsersFile=users.txt is not allowed: cannot read {_data.File("users.txt")}: line 2 is not NAME:pbkdf2-sha256$ITERATIONS$SALT$HASH (with at least 600000 iterations), then :operator for a server operator",
            Assert.Single(failure.Failures));
    }

    private async Task<TestServer> StartAsync(Dictionary<string, string?>? settings = null, (string Name, string Hash)[]? accounts = null, bool writeAccounts = true)
    {
        if (accounts is not null || writeAccounts)
        {
            UsersFile.Write(_data.File("users.txt"), accounts ?? Accounts.Value);
        }

        return await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path }, settings);
    }

    // Connections told to log in, all from this machine's one address.
    private static Task<TestClient[]> ConnectManyAsync(TestServer server, int count) => Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
    {
        var client = await server.ConnectAsync();
        await client.ReadLineAsync();
        return client;
    }));

    private static async Task<TestClient> LogInAsync(TestServer server, string name, string password)
    {
        var client = await server.ConnectAsync();
        Assert.Equal("* this server needs an account: /login NAME PASSWORD", await client.ReadLineAsync());
        await client.SendAsync($"/login {name} {password}");
        Assert.Equal($"* welcome to SocketChat, {name}! You are in lobby. Type /help for commands.", await client.ReadLineAsync());
        return client;
    }

    private static void AssertNoPasswordLogged(TestServer server)
    {
        var log = server.Log.RenderAll();
        Assert.DoesNotContain(AlicePassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(BobPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain("guess-", log, StringComparison.Ordinal);
    }
}
