using SocketChat.Server.Storage;

namespace SocketChat.Server.Tests.Storage;

public sealed class SearchWordsTests
{
    [Theory]
    [InlineData("The Café opens at nine", new[] { "the", "cafe", "opens", "at", "nine" })]
    [InlineData("it opens: the CAFE!", new[] { "it", "opens", "the", "cafe" })]
    [InlineData("  ", new string[0])]
    [InlineData("naïve naive NAÏVE", new[] { "naive" })]
    public void Of_LettersAndDigitsLowerCasedAccentsAside_EachOnce(string text, string[] expected) =>
        Assert.Equal(expected, SearchWords.Of(text));
}
