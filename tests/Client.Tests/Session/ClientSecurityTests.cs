using SocketChat.Client.Tests.Infrastructure;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Session;

public sealed class ClientSecurityTests : IDisposable
{
    private const string Password = "alice's long password";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Tls_ServerSignedByTheAuthorityInCaPath_ConnectsAndChats()
    {
        var (authorityPath, authority) = TestCertificates.CreateAuthority(_data.Path);
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path, issuer: authority);
        await using var server = await StartTlsServerAsync(certificatePath, keyPath, new() { ["Chat:Tls:Required"] = "false" });
        await using var bob = await server.ConnectAsAsync("bob");

        await using var client = await ClientHarness.StartAsync(server.Port, new() { ["Chat:Tls:Enabled"] = "true", ["Chat:Tls:CaPath"] = authorityPath, ["Chat:Host"] = "localhost" });
        await client.Console.WaitForOutputAsync(line => line.StartsWith($"* connected to localhost:{server.Port} as guest", StringComparison.Ordinal));
        await client.TypeAsync("hello over TLS");

        Assert.Equal("alice: hello over TLS", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Tls_CertificateNotTrusted_ExitsOneSayingWhyAndWhatToDo()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartTlsServerAsync(certificatePath, keyPath);

        await using var client = await ClientHarness.StartAsync(server.Port, new() { ["Chat:Tls:Enabled"] = "true" });

        await client.Console.WaitForOutputAsync(line => line == $"! error: cannot connect to 127.0.0.1:{server.Port}: the server's certificate is not signed by an authority this client trusts; trust its authority with --Chat:Tls:CaPath=FILE, or for a development server --Chat:Tls:AllowUntrusted=true");
        await client.WaitForStopAsync();
        Assert.Equal(1, client.Exit.Code);
    }

    [Fact]
    public async Task Tls_AllowUntrusted_WarnsThenConnects()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartTlsServerAsync(certificatePath, keyPath);

        await using var client = await ClientHarness.StartAsync(server.Port, new() { ["Chat:Tls:Enabled"] = "true", ["Chat:Tls:AllowUntrusted"] = "true" });

        await client.Console.WaitForOutputAsync(line => line == "! warning: Chat:Tls:AllowUntrusted=true, so the server's certificate is not checked; anyone on the way can read and change this chat");
        await client.Console.WaitForOutputAsync(line => line.StartsWith($"* connected to 127.0.0.1:{server.Port} as guest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plaintext_ServerRequiresTls_ExitsOneWithTheSettingToUse()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartTlsServerAsync(certificatePath, keyPath);

        await using var client = await ClientHarness.StartAsync(server.Port);

        await client.Console.WaitForOutputAsync(line => line == "! error: the server requires TLS: start the client with --Chat:Tls:Enabled=true");
        await client.WaitForStopAsync();
        Assert.Equal(1, client.Exit.Code);
    }

    [Fact]
    public async Task Accounts_AsksForThePasswordAsASecret_WrongThenRight_LoggedInAsTheAccount_PasswordNeverLogged()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password), ("bob", "bob's long password"));
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path });
        await using var bob = await server.ConnectAsync();
        await bob.ReadLineAsync();
        await bob.SendAsync("/login bob bob's long password");
        await bob.ReadLineAsync();

        await using var client = await ClientHarness.StartAsync(server.Port);
        await client.Console.WaitForOutputAsync(line => line == "Password for alice: (secret)");
        await client.TypeAsync("not it at all");
        await client.Console.WaitForOutputAsync(line => line == "! error: wrong account name or password");
        await client.Console.WaitForOutputAsync(line => line == "Password for alice: (secret)");
        await client.TypeAsync(Password);
        await client.Console.WaitForOutputAsync(line => line == $"* connected to 127.0.0.1:{server.Port} as alice in lobby");
        await client.TypeAsync("hi bob");

        Assert.Equal("alice: hi bob", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        Assert.DoesNotContain(Password, client.Log.RenderAll(), StringComparison.Ordinal);
        Assert.DoesNotContain("not it at all", client.Log.RenderAll(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, server.Log.RenderAll(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_PasswordFile_LogsInWithoutAsking()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password));
        await File.WriteAllTextAsync(_data.File("password"), Password + "\n");
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path });

        await using var client = await ClientHarness.StartAsync(server.Port, new() { ["Chat:PasswordFile"] = _data.File("password") });

        await client.Console.WaitForOutputAsync(line => line == $"* connected to 127.0.0.1:{server.Port} as alice in lobby");
    }

    private Task<TestServer> StartTlsServerAsync(string certificatePath, string keyPath, Dictionary<string, string?>? settings = null) =>
        TestServer.StartAsync(TestServer.TlsSettings(_data.Path, certificatePath, keyPath), settings);
}
