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
        Assert.Equal(":socketchat CAP * LS :account-notify away-notify batch cap-notify chghost draft/chathistory echo-message invite-notify message-tags multi-prefix sasl=PLAIN server-time setname soju.im/search userhost-in-names", await irc.ReadLineAsync());
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

    private static string Plain(string account, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{account}\0{password}"));

    private Task<TestServer> StartAsync()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password));
        return TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Irc:Port"] = "0" });
    }
}
