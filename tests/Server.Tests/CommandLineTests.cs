using System.Net;
using System.Net.Sockets;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// What the server's command line takes, and how it refuses what it does not, and failing to start.
[Trait("Category", "Slow")]
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_PrintsUsage_ExitsZero_StartsNothing(string argument)
    {
        await using var server = ChildProcess.StartServer([argument]);

        var (exitCode, output, error) = await server.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal("SocketChat server: a chat for nc, telnet, IRC clients, browsers and the SocketChat client, in the same rooms.", output[0]);
        Assert.Contains(output, line => line.StartsWith("usage: SocketChat.Server [PORT] [--Chat:KEY=VALUE ...]", StringComparison.Ordinal));
        Assert.Contains(output, line => line.Contains("users add|passwd|remove|list", StringComparison.Ordinal));
        Assert.Contains("Every setting, the protocol and how to run it in production: README.md in the source.", output);
        Assert.DoesNotContain(output, line => line.Contains("Listening", StringComparison.Ordinal));
        Assert.Empty(error);
    }

    [Fact]
    public async Task Version_PrintsTheProgramAndItsVersion_ExitsZero()
    {
        await using var server = ChildProcess.StartServer(["--version"]);

        var (exitCode, output, _) = await server.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^SocketChat\.Server \d+\.\d+\.\d+", Assert.Single(output));
    }

    [Theory]
    [InlineData(new[] { "--port", "9000" }, "'--port' is not an option; settings are given as --Section:Key=value, did you mean --Chat:Port?")]
    [InlineData(new[] { "8080", "9090" }, "'9090' is not an argument this program takes (see --help)")]
    public async Task ArgumentNotUnderstood_RefusedInOneLine_ExitsTwo(string[] arguments, string expected)
    {
        await using var server = ChildProcess.StartServer(arguments);

        var (exitCode, output, error) = await server.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal([expected], error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task PortInUse_OneLine_ExitsTwo_NoStackTrace()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        foreach (var arguments in new[] { new[] { $"--Chat:Port={port}" }, ["--Chat:Port=0", $"--Chat:Irc:Port={port}"], ["--Chat:Port=0", $"--Chat:Web:Port={port}"] })
        {
            await using var server = ChildProcess.StartServer(["--Chat:Host=127.0.0.1", .. arguments]);

            var (exitCode, output, error) = await server.WaitForExitAsync();

            Assert.Equal(2, exitCode);
            Assert.Matches($@"^cannot listen (for the web client )?on 127\.0\.0\.1(:{port})?: .*(A|a)ddress already in use\.?$", Assert.Single(error));
            if (arguments.Length == 1)
            {
                Assert.Equal($"cannot listen on 127.0.0.1:{port}: Address already in use", error[0]);
            }
            Assert.DoesNotContain(output, line => line.Contains("ERR]", StringComparison.Ordinal) || line.Contains("FTL]", StringComparison.Ordinal) || line.StartsWith("   at ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task HostThatDoesNotResolve_OneLine_ExitsTwo_NoStackTrace()
    {
        await using var server = ChildProcess.StartServer(["--Chat:Host=no-such-host.invalid", "--Chat:Port=0"]);

        var (exitCode, output, error) = await server.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.StartsWith("cannot resolve Chat:Host=no-such-host.invalid: ", Assert.Single(error), StringComparison.Ordinal);
        Assert.DoesNotContain(output, line => line.Contains("ERR]", StringComparison.Ordinal) || line.Contains("FTL]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--Chat:Web:Port=8080", "Chat:Web:Port=8080 is not allowed: Chat:Port is 8080 too; each listener needs a port of its own")]
    [InlineData("--Chat:Irc:Port=8080", "Chat:Irc:Port=8080 is not allowed: Chat:Port is 8080 too; each listener needs a port of its own")]
    public async Task TwoListenersOnOnePort_RefusedWhenSettingsAreChecked_NamingBothKeys(string argument, string expected)
    {
        await using var server = ChildProcess.StartServer(["--Chat:Port=8080", argument]);

        var (exitCode, output, error) = await server.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal([expected], error);
        Assert.Empty(output);
    }
}
