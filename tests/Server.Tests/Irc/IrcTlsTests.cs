using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

public sealed class IrcTlsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TlsPort_IrcOverTlsRegistersAndTalksWithAPlaintextIrcUser_PlaintextThereIsToldAndClosed()
    {
        var (certificatePath, keyPath, certificate) = TestCertificates.CreateServer(_data.Path);
        await using var server = await TestServer.StartAsync(
            TestServer.TlsSettings(_data.Path, certificatePath, keyPath),
            new Dictionary<string, string?> { ["Chat:Irc:Port"] = "0", ["Chat:Irc:TlsPort"] = "0" });
        await using var plain = await server.ConnectIrcAsync("bob");

        await using var secure = await TestClient.ConnectTlsAsync(server.IrcTlsPort, certificate);
        await secure.SendAsync("NICK alice");
        await secure.SendAsync("USER alice 0 * :Alice");
        Assert.Equal(":socketchat 001 alice :Welcome to the SocketChat IRC network, alice!alice@socketchat", await secure.ReadLineAsync());
        await secure.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
        await secure.SendAsync("JOIN #lobby");
        await secure.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
        await secure.SendAsync("PRIVMSG #lobby :over tls");
        Assert.Equal(":alice!alice@socketchat PRIVMSG #lobby :over tls", await plain.ExpectAsync(line => line.Contains("PRIVMSG", StringComparison.Ordinal)));

        await using var wrong = await TestClient.ConnectAsync(server.IrcTlsPort);
        await wrong.SendAsync("NICK mallory");
        Assert.Equal(
            ["ERROR :Closing link: this port speaks IRC over TLS only; use the server's plaintext IRC port or turn TLS on in your client"],
            await wrong.ReadToEndAsync());
    }

    [Fact]
    public async Task TlsPortWithoutACertificate_RefusedAtStart_NamingTheKey()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            TestServer.StartAsync(new Dictionary<string, string?> { ["Chat:Irc:TlsPort"] = "6697", ["Chat:DataDirectory"] = _data.Path }, console: null));

        Assert.Equal("Chat:Irc:TlsPort=6697 is not allowed: set Chat:Tls:CertificatePath too", Assert.Single(failure.Failures));
    }
}
