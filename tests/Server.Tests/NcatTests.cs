using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// Debian's ncat as the client, as a person with two terminals would use it (.ci/run installs it).
public sealed class NcatTests
{
    [Fact]
    public async Task Ncat_TwoPeople_ChatThroughTheServer()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = ChildProcess.Start("ncat", ["127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await alice.ReadOutputLineAsync(line => line.StartsWith("* welcome", StringComparison.Ordinal));
        await using var bob = ChildProcess.Start("ncat", ["127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await bob.ReadOutputLineAsync(line => line.StartsWith("* welcome", StringComparison.Ordinal));

        await alice.StandardInput.WriteAsync("/nick alice\nhello from ncat\n");
        await alice.StandardInput.FlushAsync();
        Assert.Equal("alice: hello from ncat", await bob.ReadOutputLineAsync(line => line.Contains(':', StringComparison.Ordinal)));
        await bob.StandardInput.WriteAsync("/nick bob\nhi alice\n");
        await bob.StandardInput.FlushAsync();

        Assert.Equal("bob: hi alice", await alice.ReadOutputLineAsync(line => line.Contains(':', StringComparison.Ordinal)));
        alice.StandardInput.Close();
        Assert.Equal("* alice left lobby", await bob.ReadOutputLineAsync(line => line.Contains("left", StringComparison.Ordinal)));
    }
}
