using SocketChat.Protocol.Commands;

namespace SocketChat.Protocol.Tests.Commands;

public sealed class TextCommandParserTests
{
    public static TheoryData<string, ClientCommand?> Lines => new()
    {
        { "hello there", new SayCommand("hello there") },
        { "//not a command", new SayCommand("/not a command") },
        { "   ", null },
        { "/nick alice", new NickCommand("alice") },
        { "/NICK  alice  ", new NickCommand("alice") },
        { "/join dev", new JoinCommand("dev") },
        { "/who", new WhoCommand() },
        { "/who 3", new WhoCommand(Page: 3) },
        { "/who next", new InvalidCommand(ErrorCodes.BadArguments, "usage: /who [PAGE]") },
        { "/history", new HistoryCommand(20) },
        { "/history 50", new HistoryCommand(50) },
        { "/history 501", new InvalidCommand(ErrorCodes.BadArguments, "usage: /history [N], /history before ID [N], /history after ID [N] or /history with NICK [N], N from 1 to 500") },
        { "/history before 900 50", new HistoryCommand(50, BeforeId: 900) },
        { "/history after 900", new HistoryCommand(20, AfterId: 900) { Forward = true } },
        { "/history after x", new InvalidCommand(ErrorCodes.BadArguments, "usage: /history [N], /history before ID [N], /history after ID [N] or /history with NICK [N], N from 1 to 500") },
        { "/join den sesame", new JoinCommand("den") { Key = "sesame" } },
        { "/topic", new ModerateCommand(ModerationVerb.Topic) },
        { "/topic #den Hello there", new ModerateCommand(ModerationVerb.Topic, "den", Text: "Hello there") },
        { "/topic -", new ModerateCommand(ModerationVerb.Topic, Text: "") },
        { "/kick bob too loud", new ModerateCommand(ModerationVerb.Kick, Target: "bob", Text: "too loud") },
        { "/ban --server 192.0.2.0/24 2h", new ModerateCommand(ModerationVerb.Ban, Target: "192.0.2.0/24", Duration: TimeSpan.FromHours(2), ServerWide: true) },
        { "/ban bob 2y", new InvalidCommand(ErrorCodes.BadArguments, "invalid duration \"2y\": use a whole number and s, m, h, d or w (30m, 2h, 7d), at most 3650d") },
        { "/mute #den bob", new ModerateCommand(ModerationVerb.Mute, "den", "bob") },
        { "/op", new InvalidCommand(ErrorCodes.BadArguments, "usage: /op [#ROOM] NICK") },
        { "/invite bob #den", new ModerateCommand(ModerationVerb.Invite, "den", "bob") },
        { "/mode +k secret", new ModerateCommand(ModerationVerb.Mode, Text: "+k secret") },
        { "/kill #den bob", new InvalidCommand(ErrorCodes.BadArguments, "usage: /kill NICK [REASON]") },
        { "/oper root", new InvalidCommand(ErrorCodes.BadArguments, "usage: /oper NAME PASSWORD") },
        { "/wallops hello all", new ModerateCommand(ModerationVerb.Wallops, Text: "hello all") },
        { "/help", new HelpCommand() },
        { "/quit", new QuitCommand() },
        { "/json", new JsonModeCommand() },
        { "/json resume AbC-_x 42", new JsonModeCommand("AbC-_x", 42) },
        { "/json resume AbC", new InvalidCommand(ErrorCodes.BadArguments, "usage: /json or /json resume TOKEN LAST") },
        { "/ping", new PingCommand() },
        { "/msg bob hi there", new PrivateMessageCommand("bob", "hi there") },
        { "/msg bob", new InvalidCommand(ErrorCodes.BadArguments, "usage: /msg NICK TEXT") },
        { "/nick", new InvalidCommand(ErrorCodes.BadArguments, "usage: /nick NAME") },
        { "/nick two words", new InvalidCommand(ErrorCodes.BadArguments, "usage: /nick NAME") },
        { "/login alice correct horse", new LoginCommand("alice", "correct horse") },
        { "/login alice", new InvalidCommand(ErrorCodes.BadArguments, "usage: /login NAME PASSWORD or /login NAME@DEVICE PASSWORD") },
        { "/login alice@laptop correct horse", new LoginCommand("alice", "correct horse") { Device = "laptop" } },
        { "/login alice@ correct horse", new InvalidCommand(ErrorCodes.InvalidName, "invalid device name; use 1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter") },
        { "/dance", new InvalidCommand(ErrorCodes.UnknownCommand, "unknown command /dance (try /help)") },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Parse_Line_ReturnsCommand(string line, ClientCommand? expected)
    {
        Assert.Equal(expected, TextCommandParser.Parse(line));
    }

    [Fact]
    public void LoginCommand_ToString_HidesPassword()
    {
        var shown = TextCommandParser.Parse("/login alice hunter2")!.ToString();

        Assert.Equal("LoginCommand { Name = alice, Device = , Password = ***, Cid =  }", shown);
    }
}
