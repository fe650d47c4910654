using SocketChat.Protocol.Commands;

namespace SocketChat.Protocol.Tests.Commands;

public sealed class JsonCommandParserTests
{
    public static TheoryData<string, ClientCommand?> Lines => new()
    {
        { """{"type":"message","cid":"c1","text":"hi"}""", new SayCommand("hi", "c1") },
        { """{"type":"message","text":"no cid"}""", new SayCommand("no cid") },
        { """{"type":"private","cid":"c2","to":"bob","text":"psst"}""", new PrivateMessageCommand("bob", "psst", "c2") },
        { """{"type":"nick","nick":"alice"}""", new NickCommand("alice") },
        { """{"type":"join","room":"dev","cid":"j"}""", new JoinCommand("dev", "j") },
        { """{"type":"who"}""", new WhoCommand() },
        { """{"type":"who","page":2}""", new WhoCommand(null, 2) },
        { """{"type":"history","limit":5,"before":10,"cid":"h"}""", new HistoryCommand(5, 10, null, "h") },
        { """{"type":"help"}""", new HelpCommand() },
        { """{"type":"quit"}""", new QuitCommand() },
        { """{"type":"ping","cid":"p"}""", new PingCommand("p") },
        { """{"type":"login","name":"alice","password":"p w","cid":"l"}""", new LoginCommand("alice", "p w", "l") },
        { """{"type":"login","name":"alice"}""", new InvalidCommand(ErrorCodes.BadArguments, "\"password\" (a non-empty string) is required") },
        { """{"type":"login","name":"alice","password":"p","device":"laptop","last_id":41}""", new LoginCommand("alice", "p") { Device = "laptop", LastId = 41 } },
        { """{"type":"login","name":"alice","password":"p","device":"lap top"}""", new InvalidCommand(ErrorCodes.InvalidName, "\"device\" must be a device name: 1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter") },
        { """{"type":"login","name":"alice","password":"p","last_id":"x"}""", new InvalidCommand(ErrorCodes.BadArguments, "\"last_id\" must be a message id") },
        { "", null },
        { "not json", new InvalidCommand(ErrorCodes.InvalidJson, "not a JSON object") },
        { "[1,2]", new InvalidCommand(ErrorCodes.InvalidJson, "not a JSON object") },
        { """{"text":"no type"}""", new InvalidCommand(ErrorCodes.InvalidJson, "\"type\" (a string) is required") },
        { """{"type":"message","cid":7,"text":"x"}""", new InvalidCommand(ErrorCodes.InvalidJson, "\"cid\" must be a string of at most 64 characters") },
        { """{"type":"message","cid":"c3"}""", new InvalidCommand(ErrorCodes.BadArguments, "\"text\" (a non-empty string) is required", "c3") },
        { """{"type":"dance","cid":"c4"}""", new InvalidCommand(ErrorCodes.UnknownCommand, "unknown type \"dance\"", "c4") },
        { """{"type":"message","text":"\ud83d\ude00 a pair is one character"}""", new SayCommand("\U0001F600 a pair is one character") },
    };

    // A lone half of a surrogate pair, anywhere a string is read: invalid JSON text, never an exception.
    public static TheoryData<string, string> LoneSurrogates => new()
    {
        { """{"type":"message","text":"\ud800"}""", "\"text\"" },
        { """{"type":"message","text":"ok \udc00 then"}""", "\"text\"" },
        { """{"type":"message","cid":"\ud800","text":"hi"}""", "\"cid\"" },
        { """{"type":"nick","nick":"\udbff"}""", "\"nick\"" },
        { """{"type":"login","name":"alice","password":"\ud800\ud800"}""", "\"password\"" },
        { """{"type":"private","to":"\ude00bob","text":"x"}""", "\"to\"" },
        { """{"type":"join","room":"dev\ud83d"}""", "\"room\"" },
        { """{"type":"\ud800"}""", "\"type\"" },
        { """{"type":"message","text":"x","\ud800":"y"}""", "a property name" },
        { """{"type":"message","text":"x","odd name!":"\udfff"}""", "a property" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Parse_Line_ReturnsCommand(string line, ClientCommand? expected)
    {
        Assert.Equal(expected, JsonCommandParser.Parse(line));
    }

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void Parse_LoneSurrogate_InvalidJsonNamingWhereNeverThrows(string line, string where)
    {
        Assert.Equal(
            new InvalidCommand(ErrorCodes.InvalidJson, $"{where} holds a lone UTF-16 surrogate (\\ud800-\\udfff must come in pairs)"),
            JsonCommandParser.Parse(line));
    }

    [Fact]
    public void JsonCommandWriter_Login_ParsesBack()
    {
        var login = new LoginCommand("alice", "pa\"ss word", "c9") { Device = "phone", LastId = 7 };

        Assert.Equal(login, JsonCommandParser.Parse(SocketChat.Protocol.Encoders.JsonCommandWriter.Format(login)));
    }

    // What our client sends of what a person types is read back as the same request.
    public static TheoryData<string> Typed => new()
    {
        "/search café opens", "/history with bob 5", "/history after 41 3", "/read", "/read #dev 41", "/read ?", "/topic a new topic", "/topic", "/kick bob spamming",
        "/ban bob 2h", "/ban --server 192.0.2.0/24 2h", "/unban bob", "/mute #dev carol 30m", "/op bob", "/mode +m", "/invite dave", "/bans", "/oper root secret words",
    };

    [Theory]
    [MemberData(nameof(Typed))]
    public void JsonCommandWriter_WhatATypedLineAsks_ParsesBack(string typed)
    {
        var command = TextCommandParser.Parse(typed)!;
        Assert.IsNotType<InvalidCommand>(command);

        Assert.Equal(command, JsonCommandParser.Parse(SocketChat.Protocol.Encoders.JsonCommandWriter.Format(command)));
    }
}
