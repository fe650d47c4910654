using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;

namespace SocketChat.Protocol.Tests.Encoders;

public sealed class EventWriterTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, 123, TimeSpan.Zero);

    public static TheoryData<ServerEvent, string, string> Events => new()
    {
        {
            new RoomMessageEvent(42, Noon, "lobby", "alice", "hi \"there\" ü"),
            "alice: hi \"there\" ü\n",
            """{"type":"message","id":42,"ts":"2026-11-27T12:00:00.123Z","room":"lobby","from":"alice","text":"hi \"there\" ü"}""" + "\n"
        },
        {
            new PrivateMessageEvent(43, Noon, "alice", "bob", "psst"),
            "[private] alice: psst\n",
            """{"type":"private","id":43,"ts":"2026-11-27T12:00:00.123Z","from":"alice","to":"bob","text":"psst"}""" + "\n"
        },
        {
            new AnnouncementEvent(44, Noon, "maintenance at noon"),
            "server: maintenance at noon\n",
            """{"type":"announce","id":44,"ts":"2026-11-27T12:00:00.123Z","from":"server","text":"maintenance at noon"}""" + "\n"
        },
        {
            new PresenceEvent(Noon, "lobby", "bob", PresenceAction.Join),
            "* bob joined lobby\n",
            """{"type":"presence","ts":"2026-11-27T12:00:00.123Z","room":"lobby","nick":"bob","action":"join"}""" + "\n"
        },
        {
            new PresenceEvent(Noon, "lobby", "bob", PresenceAction.Leave),
            "* bob left lobby\n",
            """{"type":"presence","ts":"2026-11-27T12:00:00.123Z","room":"lobby","nick":"bob","action":"leave"}""" + "\n"
        },
        {
            new PresenceEvent(Noon, "lobby", "alice", PresenceAction.Rename, "guest1"),
            "* guest1 is now known as alice\n",
            """{"type":"presence","ts":"2026-11-27T12:00:00.123Z","room":"lobby","nick":"alice","action":"rename","old":"guest1"}""" + "\n"
        },
        {
            new AckEvent("c1", 42, Noon),
            "",
            """{"type":"ack","cid":"c1","id":42,"ts":"2026-11-27T12:00:00.123Z"}""" + "\n"
        },
        {
            new ErrorEvent(ErrorCodes.LineTooLong, "line too long (max 4096 bytes)", "c9"),
            "! error: line too long (max 4096 bytes)\n",
            """{"type":"error","code":"line_too_long","message":"line too long (max 4096 bytes)","cid":"c9"}""" + "\n"
        },
        {
            new WelcomeEvent("guest1", "lobby"),
            "* welcome to SocketChat, guest1! You are in lobby. Type /help for commands.\n",
            """{"type":"welcome","nick":"guest1","room":"lobby","protocol":1}""" + "\n"
        },
        {
            new WhoEvent("lobby", ["alice", "bob"]),
            "* lobby (2): alice, bob\n",
            """{"type":"who","room":"lobby","nicks":["alice","bob"]}""" + "\n"
        },
        {
            new WelcomeEvent("alice", "lobby", "tok", Resumed: true),
            "* welcome to SocketChat, alice! You are in lobby. Type /help for commands.\n",
            """{"type":"welcome","nick":"alice","room":"lobby","protocol":1,"token":"tok","resumed":true}""" + "\n"
        },
        {
            new WelcomeEvent("alice", "lobby", "tok", Rate: new SendRate(5, 20)),
            "* welcome to SocketChat, alice! You are in lobby. Type /help for commands.\n",
            """{"type":"welcome","nick":"alice","room":"lobby","protocol":1,"token":"tok","rate":{"per_second":5,"burst":20}}""" + "\n"
        },
        {
            new RoomMessageEvent(7, Noon, "lobby", "bob", "earlier", History: true),
            "[history] bob: earlier\n",
            """{"type":"message","id":7,"ts":"2026-11-27T12:00:00.123Z","room":"lobby","from":"bob","text":"earlier","history":true}""" + "\n"
        },
        {
            new PongEvent(),
            "* pong\n",
            """{"type":"pong"}""" + "\n"
        },
        {
            new WhoEvent("big", ["amy", "bob"], "w", Total: 102, Page: 2),
            "* big (102, page 2 of 2): amy, bob\n",
            """{"type":"who","room":"big","nicks":["amy","bob"],"total":102,"page":2,"cid":"w"}""" + "\n"
        },
        {
            new LoginRequiredEvent(),
            "* this server needs an account: /login NAME PASSWORD\n",
            """{"type":"login_required"}""" + "\n"
        },
        {
            new ShutdownEvent("server shutting down"),
            "* server shutting down\n",
            """{"type":"shutdown","text":"server shutting down"}""" + "\n"
        },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Encode_BothModes_ExactLines(ServerEvent serverEvent, string text, string json)
    {
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(EventWriter.Encode(serverEvent, WireMode.Text)));
        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(EventWriter.Encode(serverEvent, WireMode.Json)));
    }

    [Fact]
    public void Encode_JsonControlCharacters_Escaped()
    {
        var json = System.Text.Encoding.UTF8.GetString(EventWriter.Encode(new InfoEvent("a\nb\u001b"), WireMode.Json));

        Assert.Equal("""{"type":"info","text":"a\nb\u001B"}""" + "\n", json);
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void JsonEventReader_ReadsBackWhatTheServerWrites(ServerEvent serverEvent, string text, string json)
    {
        _ = text;
        var read = SocketChat.Protocol.Decoders.JsonEventReader.Parse(json.TrimEnd('\n'));

        Assert.Equal(
            System.Text.Encoding.UTF8.GetString(EventWriter.Encode(serverEvent, WireMode.Json)),
            System.Text.Encoding.UTF8.GetString(EventWriter.Encode(read!, WireMode.Json)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("* not json")]
    [InlineData("{\"type\":\"from-the-future\"}")]
    [InlineData("{\"type\":\"message\",\"id\":\"x\"}")]
    [InlineData("{broken")]
    public void JsonEventReader_UnknownOrMalformed_Null(string line)
    {
        Assert.Null(SocketChat.Protocol.Decoders.JsonEventReader.Parse(line));
    }
}
