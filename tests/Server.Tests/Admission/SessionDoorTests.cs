using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocketChat.Server.Accounts;
using SocketChat.Server.Rooms;
using SocketChat.Server.Tests.Web;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Admission;

// One door: every way a connection becomes a session passes the same admission (the server's bans, the connection
// limits, the account's most, the cluster's claim). Each way in is listed here and shown to be turned away by a ban.
public sealed class SessionDoorTests : IDisposable
{
    private const string Password = "correct horse battery";
    private const string Banned = "you are banned from this server";
    private const string BannedJson = """{"type":"error","code":"refused","message":"you are banned from this server"}""";

    private static readonly IPAddress Carols = IPAddress.Parse("127.0.0.80");

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    // Finding 1: a resume token walked past a server-wide ban of its address, and the lines it sent were delivered.
    [Fact]
    public async Task ResumeToken_AfterAServerBanOfItsAddress_TurnedAway_NothingItSaysIsDelivered()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Operators:root"] = PasswordHasher.Hash(Password) });
        await using var root = await OperAsync(server);
        var token = await ParkJsonAsync(await TestClient.ConnectFromAsync(Carols, server.Port));
        await root.ExpectAsync(line => line.StartsWith("* guest", StringComparison.Ordinal) && line.EndsWith(" left lobby", StringComparison.Ordinal));

        await root.SendAsync("/ban --server 127.0.0.80");
        Assert.Equal("* root banned *!*@127.0.0.80 from this server", await root.ReadLineAsync());

        await using var back = await TestClient.ConnectFromAsync(Carols, server.Port);
        await back.SendAsync($"/json resume {token} 0");
        await back.SendAsync("""{"type":"message","cid":"e1","text":"I evaded the server ban"}""");
        Assert.Equal([BannedJson], await back.ReadToEndAsync());

        await root.SendAsync("/history 5");
        var history = await ReadHistoryAsync(root);
        Assert.DoesNotContain(history, line => line.Contains("I evaded", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Log.Events, e => e.RenderMessage().Contains("I evaded", StringComparison.Ordinal));
    }

    // Every way in without accounts: a text guest, a JSON guest, a JSON resume, the page's WebSocket as a guest and
    // resuming, an IRC registration. A ban of the address turns each away; a server operator's /oper as its first
    // line gets it in whatever the ban.
    [Fact]
    public async Task EveryWayIn_WithoutAccounts_ABannedAddressIsTurnedAway()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Operators:root"] = PasswordHasher.Hash(Password), ["Chat:Irc:Port"] = "0", ["Chat:Web:Port"] = "0",
        });
        await using var root = await OperAsync(server);
        var socketToken = await ParkJsonAsync(await server.ConnectAsync());
        using (var page = await WebSocketTests.ConnectAsync(server, origin: null))
        {
            await WebSocketTests.SendAsync(page, "/json");
            var pageToken = (await WebSocketTests.ReceiveAsync(page)).GetProperty("token").GetString()!;
            page.Abort();
            await root.SendAsync("/ban --server 127.0.0.1");
            Assert.Equal("* root banned *!*@127.0.0.1 from this server", await root.ExpectAsync(line => line.Contains(" banned ", StringComparison.Ordinal)));

            using var pageBack = await WebSocketTests.ConnectAsync(server, origin: null);
            await WebSocketTests.SendAsync(pageBack, $$"""{"type":"resume","token":"{{pageToken}}","last_id":0}""");
            Assert.Equal(BannedJson, (await WebSocketTests.ReceiveAsync(pageBack)).GetRawText());
        }

        await using (var text = await server.ConnectAsync())
        {
            Assert.Equal([$"! error: {Banned}"], await text.ReadToEndAsync());
        }

        await using (var json = await server.ConnectAsync())
        {
            await json.SendAsync("/json");
            Assert.Equal([BannedJson], await json.ReadToEndAsync());
        }

        await using (var resumed = await server.ConnectAsync())
        {
            await resumed.SendAsync($"/json resume {socketToken} 0");
            Assert.Equal([BannedJson], await resumed.ReadToEndAsync());
        }

        using (var page = await WebSocketTests.ConnectAsync(server, origin: null))
        {
            await WebSocketTests.SendAsync(page, "/json");
            Assert.Equal(BannedJson, (await WebSocketTests.ReceiveAsync(page)).GetRawText());
        }

        await using (var irc = await TestClient.ConnectAsync(server.IrcPort))
        {
            await irc.SendAsync("NICK carol");
            await irc.SendAsync("USER carol 0 * :Carol");
            Assert.Equal($"ERROR :Closing link: {Banned}", (await irc.ReadToEndAsync())[^1]);
        }

        // A server operator saying /oper first is in; it lifts the ban.
        await using var again = await server.ConnectAsync();
        await again.SendAsync($"/oper root {Password}");
        Assert.Equal("* you are now a server operator", await again.ReadLineAsync());
        Assert.StartsWith("* welcome to SocketChat, guest", await again.ReadLineAsync(), StringComparison.Ordinal);
        await again.SendAsync("/unban --server 127.0.0.1");
        Assert.Matches(@"^\* guest\d+ lifted the ban on \*!\*@127\.0\.0\.1 on this server$", await again.ExpectAsync(line => line.Contains("lifted", StringComparison.Ordinal)));
    }

    // Every way in with accounts: /login, a JSON login (a device), IRC SASL, PASS, and a resume of a device's token;
    // a ban of the account turns each away, an operator's account is never banned.
    [Fact]
    public async Task EveryWayIn_WithAccounts_ABannedAccountIsTurnedAway()
    {
        UsersFile.Write(_data.File("users.txt"), [new UserAccount("root", PasswordHasher.Hash(Password), Operator: true), new UserAccount("carol", PasswordHasher.Hash(Password))]);
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Irc:Port"] = "0",
        });
        await using var root = await LogInTextAsync(server, "root");
        var carol = await server.ConnectAsync();
        await carol.SendAsync("/json");
        await carol.ExpectAsync(line => line == """{"type":"login_required"}""");
        await carol.SendAsync($$"""{"type":"login","name":"carol","password":"{{Password}}","device":"phone"}""");
        var token = JsonDocument.Parse((await carol.ReadLineAsync())!).RootElement.GetProperty("token").GetString();
        await carol.DisposeAsync();
        await root.ExpectAsync(line => line == "* carol left lobby");

        await root.SendAsync("/ban --server $a:carol");
        Assert.Equal("* root banned $a:carol from this server", await root.ReadLineAsync());

        await using (var text = await server.ConnectAsync())
        {
            await text.ReadLineAsync();
            await text.SendAsync($"/login carol {Password}");
            Assert.Equal([$"! error: {Banned}"], await text.ReadToEndAsync());
        }

        await using (var device = await server.ConnectAsync())
        {
            await device.SendAsync("/json");
            await device.ExpectAsync(line => line == """{"type":"login_required"}""");
            await device.SendAsync($$"""{"type":"login","name":"carol","password":"{{Password}}","device":"laptop"}""");
            Assert.Equal([BannedJson], await device.ReadToEndAsync());
        }

        await using (var resumed = await server.ConnectAsync())
        {
            await resumed.SendAsync($"/json resume {token} 0");
            Assert.Equal([BannedJson], await resumed.ReadToEndAsync());
        }

        await using (var sasl = await TestClient.ConnectAsync(server.IrcPort))
        {
            await sasl.SendAsync("CAP REQ :sasl");
            await sasl.ExpectAsync(line => line.Contains(" ACK ", StringComparison.Ordinal));
            await sasl.SendAsync("NICK carol");
            await sasl.SendAsync("USER carol 0 * :Carol");
            await sasl.SendAsync("AUTHENTICATE PLAIN");
            await sasl.ExpectAsync(line => line == "AUTHENTICATE +");
            await sasl.SendAsync($"AUTHENTICATE {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0carol\0{Password}"))}");
            await sasl.ExpectAsync(line => line.Contains(" 903 ", StringComparison.Ordinal));
            await sasl.SendAsync("CAP END");
            Assert.Equal($"ERROR :Closing link: {Banned}", (await sasl.ReadToEndAsync())[^1]);
        }

        await using (var pass = await TestClient.ConnectAsync(server.IrcPort))
        {
            await pass.SendAsync($"PASS :{Password}");
            await pass.SendAsync("NICK carol");
            await pass.SendAsync("USER carol 0 * :Carol");
            Assert.Equal($"ERROR :Closing link: {Banned}", (await pass.ReadToEndAsync())[^1]);
        }
    }

    // Finding 2: Chat:Auth:MaxSessionsPerAccount did not count resumed sessions (cap 3: three logins dropped, three
    // fresh ones, the three old tokens resumed: six live sessions). A resume now takes the oldest's place like a login.
    [Fact]
    public async Task MaxSessionsPerAccount_HoldsAcrossResumes()
    {
        TestAccounts.Write(_data.File("users.txt"), ("carol", Password));
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Auth:MaxSessionsPerAccount"] = "3",
        });
        var users = server.Host.Services.GetRequiredService<Users>();
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add(await ParkJsonAsync(await LogInJsonAsync(server, $"old{i}")));
        }

        var fresh = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            fresh.Add(await LogInJsonAsync(server, $"new{i}"));
        }

        var resumed = new List<TestClient>();
        foreach (var token in tokens)
        {
            var back = await server.ConnectAsync();
            await back.SendAsync($"/json resume {token} 0");
            Assert.Contains("\"resumed\":true", await back.ExpectAsync(line => line.StartsWith("""{"type":"welcome""", StringComparison.Ordinal)), StringComparison.Ordinal);
            resumed.Add(back);
            Assert.True(users.SessionsOf("carol").Length <= 3, $"{users.SessionsOf("carol").Length} live sessions");
        }

        // The three fresh ones, the oldest, were each told and closed.
        foreach (var client in fresh)
        {
            Assert.Contains("""{"type":"error","code":"logged_in_elsewhere","message":"your account logged in from""", string.Join('\n', await client.ReadToEndAsync()), StringComparison.Ordinal);
            await client.DisposeAsync();
        }

        Assert.Equal(3, users.SessionsOf("carol").Length);
        foreach (var client in resumed)
        {
            await client.DisposeAsync();
        }
    }

    // A ban of everyone is refused unless meant (--force); meant, it still never shuts out a server operator.
    [Fact]
    public async Task ServerBanOfEveryone_RefusedWithoutForce_WithForceAnOperatorStillGetsIn()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Operators:root"] = PasswordHasher.Hash(Password) });
        await using var root = await OperAsync(server);
        foreach (var everyone in new[] { "*!*@*", "*", "*@*", "0.0.0.0/0" })
        {
            await root.SendAsync($"/ban --server {everyone}");
            Assert.EndsWith(
                " matches everyone: a server-wide ban of it shuts every user out (server operators and the console stay in); add --force if you mean that",
                await root.ReadLineAsync(),
                StringComparison.Ordinal);
        }

        await root.SendAsync("/mute --server *");
        Assert.Equal("! error: *!*@* matches everyone: a server-wide mute of it shuts every user out (server operators and the console stay in); add --force if you mean that", await root.ReadLineAsync());
        await root.SendAsync("/ban --server --force *!*@* 1h");
        Assert.StartsWith("* root banned *!*@* from this server until ", await root.ReadLineAsync(), StringComparison.Ordinal);

        await using (var anyone = await server.ConnectAsync())
        {
            Assert.StartsWith($"! error: {Banned} until ", (await anyone.ReadToEndAsync())[0], StringComparison.Ordinal);
        }

        await using var again = await server.ConnectAsync();
        await again.SendAsync($"/oper root {Password}");
        Assert.Equal("* you are now a server operator", await again.ReadLineAsync());
        Assert.StartsWith("* welcome to SocketChat, guest", await again.ReadLineAsync(), StringComparison.Ordinal);
    }

    // The door is the only caller of the name claims: a new way in cannot claim a name without passing it.
    [Fact]
    public void UsersClaims_AreMadeByTheDoorAlone()
    {
        string[] claims = [nameof(Users.RegisterGuestAsync), nameof(Users.TryRegisterAsync), nameof(Users.ClaimAccountAsync), nameof(Users.TryClaimForResumeAsync), nameof(Users.Resume)];
        var callers = Core.Il.CallersOf(typeof(Users), claims).Select(type => type.Name).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["SessionDoor"], callers);
    }

    // The lines of a /history answer up to its end marker.
    private static async Task<List<string>> ReadHistoryAsync(TestClient client)
    {
        var lines = new List<string>();
        while (await client.ReadLineAsync() is { } line && !line.StartsWith("* end of history", StringComparison.Ordinal))
        {
            lines.Add(line);
        }

        return lines;
    }

    private static async Task<TestClient> OperAsync(TestServer server)
    {
        var root = await server.ConnectAsync();
        await root.SendAsync($"/oper root {Password}");
        Assert.Equal("* you are now a server operator", await root.ReadLineAsync());
        Assert.StartsWith("* welcome to SocketChat, guest", await root.ReadLineAsync(), StringComparison.Ordinal);
        await root.SendAsync("/nick root");
        await root.ExpectAsync(line => line.EndsWith("is now known as root", StringComparison.Ordinal));
        return root;
    }

    // A JSON client's token; the client then drops without a goodbye, so its identity is parked.
    private static async Task<string> ParkJsonAsync(TestClient client)
    {
        string token;
        if (client.Token is { } known)
        {
            token = known;
        }
        else
        {
            await client.SendAsync("/json");
            token = JsonDocument.Parse(await client.ExpectAsync(line => line.StartsWith("""{"type":"welcome""", StringComparison.Ordinal))).RootElement.GetProperty("token").GetString()!;
        }

        await client.DisposeAsync();
        return token;
    }

    private static async Task<TestClient> LogInJsonAsync(TestServer server, string device)
    {
        var client = await server.ConnectAsync();
        await client.SendAsync("/json");
        await client.ExpectAsync(line => line == """{"type":"login_required"}""");
        await client.SendAsync($$"""{"type":"login","name":"carol","password":"{{Password}}","device":"{{device}}"}""");
        client.Token = JsonDocument.Parse(await client.ExpectAsync(line => line.StartsWith("""{"type":"welcome""", StringComparison.Ordinal))).RootElement.GetProperty("token").GetString();
        return client;
    }

    private static async Task<TestClient> LogInTextAsync(TestServer server, string name)
    {
        var client = await server.ConnectAsync();
        await client.ReadLineAsync();
        await client.SendAsync($"/login {name} {Password}");
        Assert.StartsWith($"* welcome to SocketChat, {name}!", await client.ReadLineAsync(), StringComparison.Ordinal);
        return client;
    }
}
