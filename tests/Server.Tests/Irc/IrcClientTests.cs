using System.Text.RegularExpressions;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

// Real IRC clients (Debian's irssi and WeeChat) in a real terminal, talking with an nc-style user.
[Trait("Category", "Slow")]
public sealed partial class IrcClientTests : IDisposable
{
    private readonly TempDirectory _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Irssi_JoinsLobby_TalksWithAnNcUserBothWays_NoWarningInItsStatusWindow_Quits()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var nc = await server.ConnectAsAsync("bob");
        await using var irssi = await TmuxSession.StartAsync($"irssi --home={_home.Path} -c 127.0.0.1 -p {server.IrcPort} -n alice");

        // Registered (irssi sets +i as it connects); the status window says nothing went wrong.
        var status = await irssi.WaitForScreenAsync(lines => lines.Any(line => line.EndsWith("Mode change [+i] for user alice", StringComparison.Ordinal)));
        Assert.Contains(status, line => line.EndsWith("-!- Welcome to the SocketChat IRC network, alice!alice@socketchat", StringComparison.Ordinal));
        Assert.DoesNotContain(status, line => Trouble().IsMatch(line));

        await irssi.TypeAsync("/join #lobby");
        await irssi.PressAsync("Enter");
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.EndsWith("alice [alice@socketchat] has joined #lobby", StringComparison.Ordinal)));
        Assert.Equal("* alice joined lobby", await nc.ReadLineAsync());
        await irssi.TypeAsync("hello from irssi");
        await irssi.PressAsync("Enter");
        Assert.Equal("alice: hello from irssi", await nc.ReadLineAsync());
        await nc.SendAsync("hello from nc");
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.EndsWith("< bob> hello from nc", StringComparison.Ordinal)));
        await irssi.TypeAsync("/me waves");
        await irssi.PressAsync("Enter");
        Assert.Equal("* alice waves", await nc.ReadLineAsync());

        await irssi.TypeAsync("/window 1");
        await irssi.PressAsync("Enter");
        status = await irssi.WaitForScreenAsync(lines => lines.Any(line => line.EndsWith("End of /MOTD command.", StringComparison.Ordinal)));
        Assert.DoesNotContain(status, line => Trouble().IsMatch(line));

        await irssi.TypeAsync("/quit");
        await irssi.PressAsync("Enter");
        Assert.Equal("* alice left lobby", await nc.ReadLineAsync());
        await server.Log.WaitForAsync(e => e.RenderMessage() == "Client \"alice\" disconnected: \"quit\"");
        Assert.Single(server.Log.Events, e => e.RenderMessage().EndsWith("from \"alice\": \"hello from irssi\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Irssi_ModeratesAChannel_TopicModeAndKick_SeenByAnNcUser()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var irssi = await TmuxSession.StartAsync($"irssi --home={_home.Path} -c 127.0.0.1 -p {server.IrcPort} -n alice");
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.EndsWith("Mode change [+i] for user alice", StringComparison.Ordinal)));

        // The channel's creator is its owner: irssi shows her with the owner's sign.
        await irssi.TypeAsync("/join #den");
        await irssi.PressAsync("Enter");
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.Contains("[~alice]", StringComparison.Ordinal)));
        await using var nc = await server.ConnectAsAsync("bob");
        await nc.SendAsync("/join den");
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.EndsWith("bob [bob@socketchat] has joined #den", StringComparison.Ordinal)));

        await irssi.TypeAsync("/topic Dens are for dreaming");
        await irssi.PressAsync("Enter");
        Assert.Equal("* alice set the topic of den: Dens are for dreaming", await nc.ExpectAsync(line => line.Contains("topic", StringComparison.Ordinal)));
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.Contains("alice changed the topic of #den to: Dens are for dreaming", StringComparison.Ordinal)));
        await irssi.TypeAsync("/mode #den +m");
        await irssi.PressAsync("Enter");
        Assert.Equal("* alice set mode +m on den", await nc.ReadLineAsync());
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.Contains("mode/#den [+m] by alice", StringComparison.Ordinal)));
        await irssi.TypeAsync("/kick bob enough");
        await irssi.PressAsync("Enter");
        Assert.Equal("* bob was kicked from den by alice: enough", await nc.ReadLineAsync());
        await irssi.WaitForScreenAsync(lines => lines.Any(line => line.Contains("bob was kicked from #den by alice [enough]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WeeChat_JoinsLobby_TalksWithAnNcUserBothWays_NoWarningInItsServerBuffer_Quits()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var nc = await server.ConnectAsAsync("bob");
        await using var weechat = await TmuxSession.StartAsync(
            $"weechat --dir {_home.Path} -r '/server add sc 127.0.0.1/{server.IrcPort} -notls -nicks=alice -autojoin=#lobby; /connect sc'");
        Assert.Equal("* alice joined lobby", await nc.ReadLineAsync());

        // It joins the channel it was told to, opens its buffer and types into it.
        // With extended-join WeeChat shows the real name it gave (its user's) too: "alice (root) (alice@socketchat)".
        await weechat.WaitForScreenAsync(lines => lines.Any(line => line.Contains(" (alice@socketchat) has joined #lobby", StringComparison.Ordinal) && line.Contains("alice (", StringComparison.Ordinal)));
        await weechat.TypeAsync("hello from weechat");
        await weechat.PressAsync("Enter");
        Assert.Equal("alice: hello from weechat", await nc.ReadLineAsync());
        await nc.SendAsync("hello from nc");
        await weechat.WaitForScreenAsync(lines => lines.Any(line => line.Contains("bob | hello from nc", StringComparison.Ordinal)));
        await weechat.TypeAsync("/me waves");
        await weechat.PressAsync("Enter");
        Assert.Equal("* alice waves", await nc.ReadLineAsync());

        await weechat.TypeAsync("/buffer 1");
        await weechat.PressAsync("Enter");
        var status = await weechat.WaitForScreenAsync(lines => lines.Any(line => line.Contains("End of /MOTD command.", StringComparison.Ordinal)));
        Assert.Contains(status, line => line.Contains("client capability, enabled: account-notify away-notify cap-notify chghost", StringComparison.Ordinal));
        Assert.DoesNotContain(status, line => Trouble().IsMatch(line));

        await weechat.TypeAsync("/quit");
        await weechat.PressAsync("Enter");
        Assert.Equal("* alice left lobby", await nc.ReadLineAsync());
    }

    // What a client shows when the server refused or did not understand something.
    [GeneratedRegex("(?i)unknown|error|not registered|invalid|no such|not enough|erroneous|illegal")]
    private static partial Regex Trouble();
}
