using System.Buffers;
using System.Text;
using SocketChat.Protocol.Events;
using SocketChat.Server.Irc;

namespace SocketChat.Server.Tests.Irc;

/// <summary>The IRC line writer alone, no host: what an event becomes for one connection.</summary>
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

    private static string Write(ServerEvent serverEvent, IrcState irc)
    {
        var output = new ArrayBufferWriter<byte>();
        IrcEventWriter.Write(serverEvent, irc, "alice", output);
        return Encoding.UTF8.GetString(output.WrittenSpan).TrimEnd('\r', '\n');
    }
}
