using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Tests.Text;

public sealed class InvisibleTextTests
{
    [Theory]
    [InlineData("plain text, ünïcödé 😀", "plain text, ünïcödé 😀")]
    [InlineData("invoice_\u202Efdp.exe", "invoice_<U+202E>fdp.exe")]
    [InlineData("\u2066isolate\u2069 \u202Aembed\u202C \u200Fmark\u200E", "<U+2066>isolate<U+2069> <U+202A>embed<U+202C> <U+200F>mark<U+200E>")]
    [InlineData("\u200B\u200B\u200B", "<U+200B><U+200B><U+200B>")]
    [InlineData("line\u2028sep\u2029para", "line<U+2028>sep<U+2029>para")]
    [InlineData("\uFEFFbom and a\u200Cb a\u200Db", "<U+FEFF>bom and a<U+200C>b a<U+200D>b")]
    [InlineData("family \U0001F468\u200D\U0001F469\u200D\U0001F467 heart \u2764\uFE0F\u200D\U0001F525", "family \U0001F468\u200D\U0001F469\u200D\U0001F467 heart \u2764\uFE0F\u200D\U0001F525")]
    [InlineData("\u200Dstart and end\u200D", "<U+200D>start and end<U+200D>")]
    public void Reveal_InvisibleAndBidirectionalCharacters_ShownAsCodePoints(string text, string expected)
    {
        Assert.Equal(expected, InvisibleText.Reveal(text));
    }

    [Fact]
    public void TextMode_PeerTextAndEchoedInput_Revealed_JsonModeCarriesThemAsData()
    {
        var message = new RoomMessageEvent(1, DateTimeOffset.UnixEpoch, "lobby", "alice", "see \u202Egnp.exe\u200B");

        Assert.Equal("alice: see <U+202E>gnp.exe<U+200B>", TextEventWriter.Format(message));
        Assert.Equal("! error: no such nick: b<U+200B>ob", TextEventWriter.Format(new ErrorEvent("no_such_nick", "no such nick: b\u200Bob")));
        var json = System.Text.Encoding.UTF8.GetString(EventWriter.Encode(message, WireMode.Json));
        Assert.Equal("see \u202Egnp.exe\u200B", System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("text").GetString());
    }
}
