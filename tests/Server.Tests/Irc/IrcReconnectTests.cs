using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

public sealed class IrcReconnectTests
{
    [Fact]
    public async Task ClosedAndReconnectedAtOnce_SameNick_RegistersEveryTime_NotTakenByItsOwnClosedConnection()
    {
        // A real server process, logging to its console as deployed: the old connection's close is noticed a few
        // milliseconds late, as it is in production.
        using var data = new TempDirectory();
        await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:OperatorConsole=Off", "--Chat:Irc:Port=0", $"--Chat:DataDirectory={data.Path}"]);
        server.StandardInput.Close();
        var listening = await server.ReadOutputLineAsync(line => line.Contains("IRC listening on 127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var port = int.Parse(listening.Split(':')[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        // A client that says a last line and drops, then reconnects at once (or a test suite reusing a name), comes
        // back while the server still finishes the old connection (its last line stored and delivered first): the
        // name is held by that closed connection, about to let it go.
        for (var i = 0; i < 20; i++)
        {
            await using var irc = await TestClient.ConnectAsync(port);
            await irc.SendAsync("NICK foo");
            await irc.SendAsync("USER foo 0 * :foo");
            Assert.Equal(":socketchat 001 foo :Welcome to the SocketChat IRC network, foo!foo@socketchat", await irc.ReadLineAsync());
            await irc.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
            await irc.SendAsync("JOIN #lobby");
            await irc.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
            await irc.SendAsync($"PRIVMSG #lobby :last words {i}");
        }
    }
}
