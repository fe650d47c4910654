using System.Security.Authentication;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class TlsTests : IDisposable
{
    private const string Welcome = "* welcome to SocketChat, guest1! You are in lobby. Type /help for commands.";
    private const string TlsRequired = "! error: this server requires TLS; connect with a TLS client (SocketChat.Client --Chat:Tls:Enabled=true, openssl s_client, ncat --ssl)";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task CertificateSet_TlsClientWelcomed_PlaintextRefusedWithOneLine()
    {
        var (certificatePath, keyPath, certificate) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartAsync(certificatePath, keyPath);

        await using (var secure = await TestClient.ConnectTlsAsync(server.Port, certificate))
        {
            Assert.Equal(Welcome, await secure.ReadLineAsync());
            await secure.SendAsync("/quit");
            Assert.Equal(["* bye"], await secure.ReadToEndAsync());
        }

        await using var plain = await server.ConnectAsync();
        await plain.SendAsync("hello");
        Assert.Equal([TlsRequired], await plain.ReadToEndAsync());
        await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Refused plaintext", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequiredFalse_PlaintextFromLoopbackGreeted_TlsAsWell()
    {
        var (certificatePath, keyPath, certificate) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartAsync(certificatePath, keyPath, new() { ["Chat:Tls:Required"] = "false" });

        await using var plain = await server.ConnectAsync();
        Assert.Equal(Welcome, await plain.ReadLineAsync());
        await using var secure = await TestClient.ConnectTlsAsync(server.Port, certificate);
        Assert.Equal("* welcome to SocketChat, guest2! You are in lobby. Type /help for commands.", await secure.ReadLineAsync());

        await secure.SendAsync("over TLS");
        Assert.Equal("* guest2 joined lobby", await plain.ReadLineAsync());
        Assert.Equal("guest2: over TLS", await plain.ReadLineAsync());
    }

    [Fact]
    public async Task CertificateNotTrustedByTheClient_HandshakeFails()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        var (_, _, stranger) = TestCertificates.CreateServer(_data.Path, "stranger");
        await using var server = await StartAsync(certificatePath, keyPath);

        await Assert.ThrowsAsync<AuthenticationException>(() => TestClient.ConnectTlsAsync(server.Port, stranger));
    }

    [Fact]
    public async Task SilentConnection_NoHandshakeWithinTheTimeout_Closed()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartAsync(certificatePath, keyPath, new() { ["Chat:Tls:HandshakeTimeoutSeconds"] = "1" });

        await using var silent = await server.ConnectAsync();

        Assert.Empty(await silent.ReadToEndAsync());
        await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith("failed: \"timed out\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_3")]
    public async Task OpensslSClient_VerifiesTheCertificate_Chats(string version)
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartAsync(certificatePath, keyPath);

        await using var openssl = ChildProcess.Start("openssl", [
            "s_client", "-connect", $"127.0.0.1:{server.Port}", version, "-quiet", "-verify_return_error",
            "-CAfile", certificatePath, "-verify_hostname", "localhost", "-servername", "localhost"]);
        Assert.Equal(Welcome, await openssl.ReadOutputLineAsync(line => line.StartsWith('*')));
        await openssl.StandardInput.WriteAsync("/quit\n");
        await openssl.StandardInput.FlushAsync();

        var (_, output, _) = await openssl.WaitForExitAsync();
        Assert.Equal(["* bye"], output);
    }

    [Fact]
    public async Task NcatSsl_VerifiesTheCertificate_Chats()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartAsync(certificatePath, keyPath);

        await using var ncat = ChildProcess.Start("ncat", ["-4", "--ssl-verify", "--ssl-trustfile", certificatePath, "localhost", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(Welcome, await ncat.ReadOutputLineAsync(_ => true));
        await ncat.StandardInput.WriteAsync("hi over ncat\n/quit\n");
        await ncat.StandardInput.FlushAsync();

        Assert.Equal("* bye", await ncat.ReadOutputLineAsync(_ => true));
        ncat.StandardInput.Close();
        Assert.Empty((await ncat.WaitForExitAsync()).Output);
        Assert.Contains(server.Log.Events, e => e.RenderMessage() == "Message 1 in \"lobby\" from \"guest1\": \"hi over ncat\"");
    }

    [Fact]
    public async Task CertificateFilesReplaced_NewConnectionsGetTheNewOne_WithoutRestart()
    {
        var (certificatePath, keyPath, first) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartAsync(certificatePath, keyPath);
        await using var before = await TestClient.ConnectTlsAsync(server.Port, first);
        Assert.Equal(first.Thumbprint, before.ServerCertificate!.Thumbprint);

        var (_, _, renewed) = TestCertificates.CreateServer(_data.Path);
        await server.Log.WaitForAsync(e => e.RenderMessage().Contains(renewed.Thumbprint, StringComparison.Ordinal) && e.MessageTemplate.Text.StartsWith("Loaded TLS", StringComparison.Ordinal));

        await using var after = await TestClient.ConnectTlsAsync(server.Port, renewed);
        Assert.Equal(renewed.Thumbprint, after.ServerCertificate!.Thumbprint);
        Assert.Equal(Welcome, await before.ReadLineAsync());
    }

    [Fact]
    public async Task PfxWithPassword_Loads_TlsClientWelcomed()
    {
        var (certificatePath, keyPath, certificate) = TestCertificates.CreateServer(_data.Path);
        using (var withKey = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificatePath, keyPath))
        {
            await File.WriteAllBytesAsync(_data.File("server.pfx"), withKey.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx password"));
        }

        await using var server = await TestServer.StartAsync(
            TestServer.TlsSettings(_data.Path, "server.pfx", keyPath: null),
            new Dictionary<string, string?> { ["Chat:Tls:CertificatePassword"] = "pfx password" });
        await using var secure = await TestClient.ConnectTlsAsync(server.Port, certificate);

        Assert.Equal(Welcome, await secure.ReadLineAsync());
        Assert.DoesNotContain("pfx password", server.Log.RenderAll(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PfxWithWrongPassword_RefusedAtStart_PasswordNotShown()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        using (var withKey = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificatePath, keyPath))
        {
            await File.WriteAllBytesAsync(_data.File("server.pfx"), withKey.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx password"));
        }

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestServer.StartAsync(
            TestServer.TlsSettings(_data.Path, "server.pfx", keyPath: null),
            new Dictionary<string, string?> { ["Chat:Tls:CertificatePassword"] = "not the password" }));

        var line = Assert.Single(failure.Failures);
        Assert.StartsWith($"Chat:Tls:CertificatePath=server.pfx is not allowed: cannot load {_data.File("server.pfx")} with its private key: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not the password", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateWithoutItsKey_RefusedAtStart_NamingTheKey()
    {
        var (certificatePath, _, _) = TestCertificates.CreateServer(_data.Path);

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync(certificatePath, keyPath: null));

        Assert.StartsWith($"Chat:Tls:CertificatePath={certificatePath} is not allowed: cannot load {certificatePath} with its private key: ", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    private Task<TestServer> StartAsync(string certificatePath, string? keyPath, Dictionary<string, string?>? settings = null) =>
        TestServer.StartAsync(TestServer.TlsSettings(_data.Path, certificatePath, keyPath), settings);
}
