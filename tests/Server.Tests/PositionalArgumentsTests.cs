using SocketChat.Hosting.CommandLine;

namespace SocketChat.Server.Tests;

public sealed class PositionalArgumentsTests
{
    [Theory]
    [InlineData("8080", "--Chat:Port=8080")]
    [InlineData("server 8080", "--Chat:Port=8080")]
    [InlineData("8080 --Log:Format=json", "--Chat:Port=8080 --Log:Format=json")]
    [InlineData("--Chat:Port=9000", "--Chat:Port=9000")]
    [InlineData("--Chat:Port 9000", "--Chat:Port 9000")]
    public void Expand_SeedForms_BecomeSwitches(string arguments, string expected)
    {
        var expanded = PositionalArguments.Expand(arguments.Split(' '), "server", "Chat:Port");

        Assert.Equal(expected, string.Join(' ', expanded));
    }

    [Fact]
    public void Expand_ClientForm_HostThenPort()
    {
        var expanded = PositionalArguments.Expand(["client", "127.0.0.1", "8080"], "client", "Chat:Host", "Chat:Port");

        Assert.Equal(["--Chat:Host=127.0.0.1", "--Chat:Port=8080"], expanded);
    }
}
