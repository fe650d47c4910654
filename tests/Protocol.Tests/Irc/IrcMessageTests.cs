using SocketChat.Protocol.Irc;

namespace SocketChat.Protocol.Tests.Irc;

public sealed class IrcMessageTests
{
    [Fact]
    public void Parse_TagsSourceCommandAndTrailing_EachInItsPlace()
    {
        var message = IrcMessage.Parse("@label=1;+draft/x :alice!a@h privmsg #dev :hello there  :)")!;

        Assert.Equal("label=1;+draft/x", message.Tags);
        Assert.Equal("alice!a@h", message.Source);
        Assert.Equal("PRIVMSG", message.Command);
        Assert.Equal(["#dev", "hello there  :)"], message.Parameters);
    }

    [Theory]
    [InlineData("NICK alice", new[] { "alice" })]
    [InlineData("USER a 0 * :Alice Liddell", new[] { "a", "0", "*", "Alice Liddell" })]
    [InlineData("PRIVMSG #dev :", new[] { "#dev", "" })]
    [InlineData("JOIN   #a,#b    key", new[] { "#a,#b", "key" })]
    [InlineData("PING", new string[0])]
    [InlineData("PRIVMSG bob ::-)", new[] { "bob", ":-)" })]
    public void Parse_Parameters_SplitOnSpacesTrailingKeepsThem(string line, string[] expected) =>
        Assert.Equal(expected, IrcMessage.Parse(line)!.Parameters);

    [Fact]
    public void Parse_FifteenthParameter_TakesTheRestOfTheLine()
    {
        var message = IrcMessage.Parse("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 fifteen and more")!;

        Assert.Equal(15, message.Parameters.Count);
        Assert.Equal("fifteen and more", message.Parameters[14]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("@tags-only")]
    [InlineData(":source-only")]
    [InlineData("@a=b :source")]
    public void Parse_NoCommand_Null(string line) => Assert.Null(IrcMessage.Parse(line));
}
