using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Tests.Text;

public sealed class TextSanitizerTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\tkept", "tab\tkept")]
    [InlineData("\u001b[2Jclear", "[2Jclear")]
    [InlineData("bell\u0007 and del\u007f", "bell and del")]
    [InlineData("fake\r\nline", "fakeline")]
    [InlineData("c1 csi\u009b31m", "c1 csi31m")]
    [InlineData("ünïcödé 😀", "ünïcödé 😀")]
    public void RemoveControlCharacters_Removes_AllButTab(string input, string expected)
    {
        Assert.Equal(expected, TextSanitizer.RemoveControlCharacters(input));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("Bob_2.x-y", true)]
    [InlineData("2fast", false)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("émile", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    public void ChatNames_IsValid_FollowsRule(string name, bool expected)
    {
        Assert.Equal(expected, ChatNames.IsValid(name));
    }
}
