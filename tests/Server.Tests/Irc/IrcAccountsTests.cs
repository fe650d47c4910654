using System.Text;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

public sealed class IrcAccountsTests : IDisposable
{
    private const string Password = "correct horse battery";

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task SaslPlain_RightPassword_LoggedInAndTheNicknameIsTheAccount()
    {
        await using var server = await StartAsync();
        await using var irc = await TestClient.ConnectAsync(server.IrcPort);

        await irc.SendAsync("CAP LS 302");
        Assert.Equal(":socketchat CAP * LS :account-notify account-tag away-notify batch cap-notify chghost draft/chathistory draft/read-marker echo-message extended-join invite-notify labeled-response message-tags multi-prefix sasl=PLAIN server-time setname soju.im/search userhost-in-names", await irc.ReadLineAsync());
        await irc.SendAsync("NICK whatever");
        await irc.SendAsync("USER a 0 * :A");
        await irc.SendAsync("CAP REQ :sasl");
        Assert.Equal(":socketchat CAP * ACK :sasl", await irc.ReadLineAsync());
        await irc.SendAsync("AUTHENTICATE PLAIN");
        Assert.Equal("AUTHENTICATE +", await irc.ReadLineAsync());
        await irc.SendAsync($"AUTHENTICATE {Plain("alice", Password)}");
        Assert.Equal(
            [
                ":socketchat 900 * alice!alice@socketchat alice :You are now logged in as alice",
                ":socketchat 903 * :SASL authentication successful",
            ],
            await irc.ReadLinesAsync(2));
        await irc.SendAsync("CAP END");

        Assert.Equal(":socketchat 001 alice :Welcome to the SocketChat IRC network, alice!alice@socketchat", await irc.ReadLineAsync());
        await irc.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
        await irc.SendAsync("JOIN #lobby");
        Assert.Equal(":alice!alice@socketchat JOIN #lobby", await irc.ReadLineAsync());
        Assert.DoesNotContain(Password, server.Log.RenderAll(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaslPlain_WrongPassword_904_ThenAnotherTry_OtherMechanism908()
    {
        await using var server = await StartAsync();
        await using var irc = await TestClient.ConnectAsync(server.IrcPort);
        await irc.SendAsync("CAP REQ :sasl");
        await irc.ReadLineAsync();

        await irc.SendAsync("AUTHENTICATE SCRAM-SHA-256");
        Assert.Equal(
            [":socketchat 908 * PLAIN :are available SASL mechanisms", ":socketchat 904 * :SASL authentication failed"],
            await irc.ReadLinesAsync(2));
        await irc.SendAsync("AUTHENTICATE PLAIN");
        await irc.ReadLineAsync();
        await irc.SendAsync($"AUTHENTICATE {Plain("alice", "not it")}");
        Assert.Equal(":socketchat 904 * :SASL authentication failed: wrong account name or password", await irc.ReadLineAsync());
        await irc.SendAsync("AUTHENTICATE PLAIN");
        await irc.ReadLineAsync();
        await irc.SendAsync("AUTHENTICATE *");
        Assert.Equal(":socketchat 906 * :SASL authentication aborted", await irc.ReadLineAsync());
    }

    [Fact]
    public async Task Pass_ProvesTheNicknamesAccount_WrongPassIs464AndClosed_NoneIsToldAndClosed()
    {
        await using var server = await StartAsync();

        await using (var right = await TestClient.ConnectAsync(server.IrcPort))
        {
            await right.SendAsync($"PASS :{Password}");
            await right.SendAsync("NICK alice");
            await right.SendAsync("USER a 0 * :A");
            Assert.Equal(":socketchat 001 alice :Welcome to the SocketChat IRC network, alice!alice@socketchat", await right.ReadLineAsync());
        }

        await using var wrong = await TestClient.ConnectAsync(server.IrcPort);
        await wrong.SendAsync("PASS :guess");
        await wrong.SendAsync("NICK alice");
        await wrong.SendAsync("USER a 0 * :A");
        Assert.Equal([":socketchat 464 * :Password incorrect", "ERROR :Closing link: wrong account name or password"], await wrong.ReadToEndAsync());

        await using var none = await TestClient.ConnectAsync(server.IrcPort);
        await none.SendAsync("NICK alice");
        await none.SendAsync("USER a 0 * :A");
        Assert.Equal(
            [
                ":socketchat NOTICE * :this server needs an account: log in with SASL PLAIN, or PASS with your account's password",
                "ERROR :Closing link: an account is needed",
            ],
            await none.ReadToEndAsync());
    }

    [Fact]
    public async Task ExtendedJoinAndAccountTag_NameTheAccountAndTheRealName()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password), ("bob", Password));
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Irc:Port"] = "0" });
        await using var alice = await LogInAsync(server, "alice", "CAP REQ :extended-join account-tag message-tags");
        await alice.SendAsync("JOIN #lobby");
        Assert.Equal(":alice!alice@socketchat JOIN #lobby alice :Alice Liddell", await alice.ReadLineAsync());
        await using var bob = await LogInAsync(server, "bob", null);
        await bob.SendAsync("JOIN #lobby");
        Assert.Equal(":bob!bob@socketchat JOIN #lobby bob :Bob", await alice.ExpectAsync(line => line.Contains("JOIN", StringComparison.Ordinal)));
        await bob.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
        await bob.SendAsync("PRIVMSG #lobby :hi");
        Assert.Matches(@"^@account=bob;msgid=\d+ :bob!bob@socketchat PRIVMSG #lobby :hi$", await alice.ReadLineAsync());
    }

    // Registered with PASS (and a capability request first, when given), read up to the end of the MOTD.
    private static async Task<TestClient> LogInAsync(TestServer server, string name, string? capabilities)
    {
        var client = await TestClient.ConnectAsync(server.IrcPort);
        if (capabilities is not null)
        {
            await client.SendAsync(capabilities);
            await client.ExpectAsync(line => line.Contains(" ACK ", StringComparison.Ordinal));
        }

        await client.SendAsync($"PASS :{Password}");
        await client.SendAsync($"NICK {name}");
        await client.SendAsync($"USER {name} 0 * :{(name == "alice" ? "Alice Liddell" : "Bob")}");
        if (capabilities is not null)
        {
            await client.SendAsync("CAP END");
        }

        await client.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
        return client;
    }

    private static string Plain(string account, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{account}\0{password}"));

    private Task<TestServer> StartAsync()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password));
        return TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Irc:Port"] = "0" });
    }
}
