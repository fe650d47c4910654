using SocketChat.Client.Rendering;
using SocketChat.Hosting.Terminal;
using SocketChat.Protocol.Events;

namespace SocketChat.Client.Tests.Terminal;

public sealed class RenderingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Theory]
    [InlineData("\u001b[2J\u001b[Hgotcha", "^[[2J^[[Hgotcha")]
    [InlineData("line\r\nforged: line", "line^M^Jforged: line")]
    [InlineData("bell\u0007 del\u007f csi\u009b31m", "bell^G del^? csi<U+009B>31m")]
    [InlineData("rtl \u202eevil", "rtl <U+202E>evil")]
    [InlineData("\u2067isolate\u2069 \u200bzero\u200f \u2028sep\ufeff", "<U+2067>isolate<U+2069> <U+200B>zero<U+200F> <U+2028>sep<U+FEFF>")]
    [InlineData("emoji \U0001F468\u200D\U0001F469 stay whole", "emoji \U0001F468\u200D\U0001F469 stay whole")]
    [InlineData("tab\tand ünïcode 😀", "tab\tand ünïcode 😀")]
    public void Neutralize_ControlAndEscapeSequences_VisiblePlaceholders(string text, string expected)
    {
        Assert.Equal(expected, TerminalText.Neutralize(text));
    }

    [Fact]
    public void Render_PeerTextWithEscapes_NeutralisedEverywhere()
    {
        var renderer = new EventRenderer(colour: false);

        var line = renderer.Render(new RoomMessageEvent(1, Now, "lobby", "mal\u001b[31mlory", "\u001b[2Jwiped?"));

        Assert.Equal("mal^[[31mlory: ^[[2Jwiped?", line);
    }

    [Fact]
    public void Render_NotATerminal_NoColourCodes()
    {
        var renderer = new EventRenderer(colour: false);

        Assert.Equal("server: hello", renderer.Render(new AnnouncementEvent(1, Now, "hello")));
        Assert.Equal("* bob joined lobby", renderer.Render(new PresenceEvent(Now, "lobby", "bob", PresenceAction.Join)));
        Assert.Equal("! error: nope", renderer.Render(new ErrorEvent("x", "nope")));
        Assert.Equal("[history] bob: while away", renderer.Render(new RoomMessageEvent(2, Now, "lobby", "bob", "while away", History: true)));
        Assert.Null(renderer.Render(new AckEvent("1", 1, Now)));
    }

    [Fact]
    public void Render_Terminal_ErrorsInRed()
    {
        var renderer = new EventRenderer(colour: true);

        Assert.Equal("\u001b[31m! error: nope\u001b[0m", renderer.Render(new ErrorEvent("x", "nope")));
    }
}
