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
        { "/history 501", new InvalidCommand(ErrorCodes.BadArguments, "usage: /history [N], N from 1 to 500") },
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
        { "/login alice", new InvalidCommand(ErrorCodes.BadArguments, "usage: /login NAME PASSWORD") },
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

        Assert.Equal("LoginCommand { Name = alice, Password = ***, Cid =  }", shown);
    }
}
