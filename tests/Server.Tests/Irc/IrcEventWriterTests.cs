using System.Buffers;
using System.Text;
using SocketChat.Protocol.Events;
using SocketChat.Server.Irc;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Tests.Irc;

// The IRC line writer alone, no host: what an event becomes for one connection.
public sealed class IrcEventWriterTests
{
    private static readonly DateTimeOffset Stored = DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    // Nothing noted when the line was sent: the acknowledgement alone says what to echo, so it cannot be paired with
    // another line's, whichever comes first.
    [Theory]
    [InlineData("lobby", null, "hello", false, ":alice!alice@socketchat PRIVMSG #lobby :hello")]
    [InlineData("lobby", null, "/me waves", false, ":alice!alice@socketchat PRIVMSG #lobby :\u0001ACTION waves\u0001")]
    [InlineData(null, "bob", "psst", true, ":alice!alice@socketchat NOTICE bob :psst")]
    public void Ack_WithEchoMessage_EchoesTheLineItCarries(string? room, string? to, string text, bool notice, string expected)
    {
        var irc = new IrcState("socketchat") { Capabilities = IrcCapabilities.EchoMessage };

        Assert.Equal(expected, Write(new AckEvent(null, 7, Stored, new AckedLine(room, to, text, notice)), irc));
    }

    [Fact]
    public void Ack_WithoutEchoMessage_WritesNothing()
    {
        var irc = new IrcState("socketchat");

        Assert.Equal(string.Empty, Write(new AckEvent(null, 7, Stored, new AckedLine("lobby", null, "hello", false)), irc));
    }

    [Fact]
    public void LiveRoomMessage_EncodedOncePerCapabilitySet_SharedByEveryRecipientWithIt()
    {
        var message = new EncodedEvent(new RoomMessageEvent(42, Stored, "lobby", "bob", "hi"));
        var plain = new IrcState("socketchat");
        var alsoPlain = new IrcState("socketchat") { Capabilities = IrcCapabilities.EchoMessage };
        var timed = new IrcState("socketchat") { Capabilities = IrcCapabilities.ServerTime | IrcCapabilities.MessageTags };

        var first = IrcEventWriter.Shared(message, plain);
        var second = IrcEventWriter.Shared(message, alsoPlain);
        var third = IrcEventWriter.Shared(message, timed);

        Assert.True(first.Span == second.Span, "one encoding for both: they differ only in a capability a room message does not show");
        Assert.Equal(":bob!bob@socketchat PRIVMSG #lobby :hi\r\n", Encoding.UTF8.GetString(first.Span));
        Assert.Equal("@time=2026-12-01T12:00:00.000Z;msgid=42 :bob!bob@socketchat PRIVMSG #lobby :hi\r\n", Encoding.UTF8.GetString(third.Span));
    }

    [Fact]
    public void LiveRoomMessage_AfterHistory_ClosesTheBatchFirst_ThenTheSharedLine()
    {
        var irc = new IrcState("socketchat") { Capabilities = IrcCapabilities.Batch };
        var output = new ArrayBufferWriter<byte>();
        IrcEventWriter.Write(new EncodedEvent(new RoomMessageEvent(1, Stored, "lobby", "bob", "before", History: true)), irc, "alice", output);
        IrcEventWriter.Write(new EncodedEvent(new RoomMessageEvent(2, Stored, "lobby", "bob", "now")), irc, "alice", output);

        Assert.Equal(
            [":socketchat BATCH +h1 chathistory #lobby", "@batch=h1 :bob!bob@socketchat PRIVMSG #lobby :[history] before", ":socketchat BATCH -h1", ":bob!bob@socketchat PRIVMSG #lobby :now"],
            Encoding.UTF8.GetString(output.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Write(ServerEvent serverEvent, IrcState irc)
    {
        var output = new ArrayBufferWriter<byte>();
        IrcEventWriter.Write(new EncodedEvent(serverEvent), irc, "alice", output);
        return Encoding.UTF8.GetString(output.WrittenSpan).TrimEnd('\r', '\n');
    }
}
