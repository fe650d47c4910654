using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Devices;

// One account on several connections at once (Chat:Auth:MaxSessionsPerAccount): the account's devices share its
// name, rooms and private lines, each shown what the others said as its own, and the room sees one member.
public sealed class SeveralDevicesTests : IDisposable
{
    internal const string Password = "correct horse battery";

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TwoJsonDevicesAndAnIrcClient_OneAccount_EachSeesTheOthersLinesAsItsOwn_TheRoomSeesOneMember()
    {
        await using var server = await StartAsync();
        await using var bob = await LogInAsTextAsync(server, "bob");
        await using var laptop = await LogInAsJsonAsync(server, "laptop");
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());
        await using var phone = await LogInAsJsonAsync(server, "phone");
        await using var irc = await LogInAsIrcAsync(server, "desk");

        // The IRC device is put where the account is, as its own JOIN.
        Assert.Equal(":alice!alice@socketchat JOIN #lobby", await irc.ReadLineAsync());

        await laptop.SendAsync("""{"type":"message","text":"from the laptop","cid":"l1"}""");
        Assert.Equal("alice: from the laptop", await bob.ReadLineAsync());
        Assert.Matches("""^\{"type":"message","id":\d+,"ts":"[^"]+","room":"lobby","from":"alice","text":"from the laptop","own":true\}$""", await phone.ReadLineAsync());
        Assert.Equal(":alice!alice@socketchat PRIVMSG #lobby :from the laptop", await irc.ReadLineAsync());
        Assert.Matches("""^\{"type":"ack","cid":"l1","id":\d+,"ts":"[^"]+"\}$""", await laptop.ReadLineAsync());

        await irc.SendAsync("PRIVMSG #lobby :from the desk");
        Assert.Equal("alice: from the desk", await bob.ReadLineAsync());
        Assert.Matches("""^\{"type":"message",.*"from":"alice","text":"from the desk","own":true\}$""", await laptop.ReadLineAsync());
        Assert.Matches("""^\{"type":"message",.*"from":"alice","text":"from the desk","own":true\}$""", await phone.ReadLineAsync());

        // A private line to the account reaches every device; one a device sends shows on the others as sent.
        await bob.SendAsync("/msg alice just you");
        Assert.Equal("* private to alice: just you", await bob.ReadLineAsync());
        Assert.Matches("""^\{"type":"private",.*"from":"bob","to":"alice","text":"just you"\}$""", await laptop.ReadLineAsync());
        Assert.Matches("""^\{"type":"private",.*"from":"bob","to":"alice","text":"just you"\}$""", await phone.ReadLineAsync());
        Assert.Equal(":bob!bob@socketchat PRIVMSG alice :just you", await irc.ReadLineAsync());
        await phone.SendAsync("""{"type":"private","to":"bob","text":"from the phone"}""");
        Assert.Equal("[private] alice: from the phone", await bob.ReadLineAsync());
        Assert.Matches("""^\{"type":"private",.*"from":"alice","to":"bob","text":"from the phone","own":true\}$""", await laptop.ReadLineAsync());
        Assert.Equal(":alice!alice@socketchat PRIVMSG bob :from the phone", await irc.ReadLineAsync());

        // One member, though three connections.
        await bob.SendAsync("/who");
        Assert.Equal("* lobby (2): alice, bob", await bob.ReadLineAsync());

        // Closing one device leaves the others, and the room hears nothing of it.
        await phone.DisposeAsync();
        await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} disconnected", StringComparison.Ordinal));
        await laptop.SendAsync("""{"type":"message","text":"still here"}""");
        Assert.Equal("alice: still here", await bob.ReadLineAsync());
        await irc.SendAsync("QUIT :bye");
        await irc.ReadToEndAsync();
        await laptop.SendAsync("""{"type":"message","text":"and here"}""");
        Assert.Equal("alice: and here", await bob.ReadLineAsync());

        // The last one goes: the account leaves.
        await laptop.DisposeAsync();
        Assert.Equal("* alice left lobby", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task JoiningOnOneDevice_MovesTheOthers_IrcPartTakesEveryDeviceOut_TheRoomToldOnce()
    {
        await using var server = await StartAsync();
        await using var bob = await LogInAsTextAsync(server, "bob");
        await using var laptop = await LogInAsJsonAsync(server, "laptop");
        await using var irc = await LogInAsIrcAsync(server, "desk");
        Assert.Equal(":alice!alice@socketchat JOIN #lobby", await irc.ReadLineAsync());
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());

        await laptop.SendAsync("""{"type":"join","room":"garden"}""");
        Assert.Equal("""{"type":"presence","ts":"*","room":"garden","nick":"alice","action":"join"}""", Untimed(await laptop.ReadLineAsync()));
        Assert.Equal(":alice!alice@socketchat PART #lobby", await irc.ReadLineAsync());
        Assert.Equal(":alice!alice@socketchat JOIN #garden", await irc.ReadLineAsync());
        Assert.Equal("* alice left lobby", await bob.ReadLineAsync());

        await bob.SendAsync("/join garden");
        Assert.Equal("* bob joined garden", await bob.ReadLineAsync());
        Assert.Equal(":bob!bob@socketchat JOIN #garden", await irc.ReadLineAsync());
        Assert.Equal("""{"type":"presence","ts":"*","room":"garden","nick":"bob","action":"join"}""", Untimed(await laptop.ReadLineAsync()));
        await irc.SendAsync("PART #garden :enough");
        Assert.Equal(":alice!alice@socketchat PART #garden :enough", await irc.ReadLineAsync());
        Assert.Equal("""{"type":"presence","ts":"*","room":"garden","nick":"alice","action":"leave","device":true}""", Untimed(await laptop.ReadLineAsync()));
        Assert.Equal("* alice left garden", await bob.ReadLineAsync());
        await bob.SendAsync("/who");
        Assert.Equal("* garden (1): bob", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task OneSessionPerAccount_ALoginTakesTheEarliersPlace_AsBefore()
    {
        await using var server = await StartAsync(new() { ["Chat:Auth:MaxSessionsPerAccount"] = "1" });
        await using var first = await LogInAsJsonAsync(server, "laptop");
        await using var second = await LogInAsJsonAsync(server, "phone");
        var closing = await first.ReadToEndAsync();
        Assert.Matches("""^\{"type":"error","code":"logged_in_elsewhere","message":"you logged in again from 127\.0\.0\.1:\d+; this connection closes"\}$""", Assert.Single(closing));
    }

    [Fact]
    public async Task TheSameDeviceAgain_OrOneTooMany_TakesThatConnectionsPlace()
    {
        await using var server = await StartAsync(new() { ["Chat:Auth:MaxSessionsPerAccount"] = "2" });
        await using var bob = await LogInAsTextAsync(server, "bob");
        await using var laptop = await LogInAsJsonAsync(server, "laptop");
        Assert.Equal("* alice joined lobby", await bob.ReadLineAsync());
        await using var phone = await LogInAsJsonAsync(server, "phone");

        await using var laptopAgain = await LogInAsJsonAsync(server, "laptop");
        Assert.Matches("""^\{"type":"error","code":"logged_in_elsewhere","message":"this device \(laptop\) logged in again from 127\.0\.0\.1:\d+; this connection closes"\}$""", Assert.Single(await laptop.ReadToEndAsync()));

        // A third device, with two connected already: the oldest (the phone) gives way.
        await using var tablet = await LogInAsJsonAsync(server, "tablet");
        Assert.Matches("""^\{"type":"error","code":"logged_in_elsewhere","message":"your account logged in from 127\.0\.0\.1:\d+ with its most connections already; this one, its oldest, closes"\}$""", Assert.Single(await phone.ReadToEndAsync()));
        await tablet.SendAsync("""{"type":"message","text":"one member all along"}""");
        Assert.Equal("alice: one member all along", await bob.ReadLineAsync());
    }

    private static string Untimed(string? line) => System.Text.RegularExpressions.Regex.Replace(line ?? string.Empty, "\"ts\":\"[^\"]+\"", "\"ts\":\"*\"");

    private Task<TestServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password), ("bob", Password));
        return TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Irc:Port"] = "0" }, settings);
    }

    internal static async Task<TestClient> LogInAsTextAsync(TestServer server, string name)
    {
        var client = await server.ConnectAsync();
        Assert.Equal("* this server needs an account: /login NAME PASSWORD", await client.ReadLineAsync());
        await client.SendAsync($"/login {name} {Password}");
        Assert.Equal($"* welcome to SocketChat, {name}! You are in lobby. Type /help for commands.", await client.ReadLineAsync());
        return client;
    }

    internal static async Task<TestClient> LogInAsJsonAsync(TestServer server, string device, long? lastId = null)
    {
        var client = await server.ConnectAsync();
        await client.SendAsync("/json");

        // Told in text first when its /json came after the greeting delay (a loaded machine), then again in JSON.
        await client.ExpectAsync(line => line == """{"type":"login_required"}""");
        var last = lastId is { } id ? $",\"last_id\":{id}" : string.Empty;
        await client.SendAsync($$"""{"type":"login","name":"alice","password":"{{Password}}","device":"{{device}}"{{last}}}""");
        Assert.Matches("""^\{"type":"welcome","nick":"alice","room":"[a-z]+","protocol":1,"token":"[A-Za-z0-9_-]+"\}$""", await client.ReadLineAsync());
        return client;
    }

    // Registered with SASL PLAIN as alice@device, read up to the end of the MOTD.
    private static async Task<TestClient> LogInAsIrcAsync(TestServer server, string device)
    {
        var client = await TestClient.ConnectAsync(server.IrcPort);
        await client.SendAsync("CAP REQ :sasl");
        await client.ExpectAsync(line => line.Contains(" ACK ", StringComparison.Ordinal));
        await client.SendAsync("NICK alice");
        await client.SendAsync("USER alice 0 * :Alice");
        await client.SendAsync("AUTHENTICATE PLAIN");
        await client.ExpectAsync(line => line == "AUTHENTICATE +");
        await client.SendAsync($"AUTHENTICATE {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0alice@{device}\0{Password}"))}");
        await client.ExpectAsync(line => line.Contains(" 903 ", StringComparison.Ordinal));
        await client.SendAsync("CAP END");
        await client.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
        return client;
    }
}
