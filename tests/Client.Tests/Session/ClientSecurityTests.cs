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
    public async Task Tls_CertificateForLocalhostReachedByAddress_SaysTheNameIsWrongNotTheAuthority_ServerNameFixesIt()
    {
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path, withAddresses: false);
        await using var server = await StartTlsServerAsync(certificatePath, keyPath);
        var settings = new Dictionary<string, string?> { ["Chat:Tls:Enabled"] = "true", ["Chat:Tls:CaPath"] = certificatePath };

        await using (var client = await ClientHarness.StartAsync(server.Port, settings))
        {
            await client.Console.WaitForOutputAsync(line => line == $"! error: cannot connect to 127.0.0.1:{server.Port}: the server's certificate is for localhost, not 127.0.0.1; connect with --Chat:Host=localhost, or expect that name with --Chat:Tls:ServerName=localhost");
            await client.WaitForStopAsync();
            Assert.Equal(1, client.Exit.Code);
        }

        settings["Chat:Tls:ServerName"] = "localhost";
        await using var fixedUp = await ClientHarness.StartAsync(server.Port, settings);
        await fixedUp.Console.WaitForOutputAsync(line => line.StartsWith($"* connected to 127.0.0.1:{server.Port} as guest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tls_CaPathGivenButTheWrongAuthority_SaysSo()
    {
        var (otherAuthority, _) = TestCertificates.CreateAuthority(_data.Path, "other-ca");
        var (certificatePath, keyPath, _) = TestCertificates.CreateServer(_data.Path);
        await using var server = await StartTlsServerAsync(certificatePath, keyPath);

        await using var client = await ClientHarness.StartAsync(server.Port, new() { ["Chat:Tls:Enabled"] = "true", ["Chat:Tls:CaPath"] = otherAuthority });

        await client.Console.WaitForOutputAsync(line => line == $"! error: cannot connect to 127.0.0.1:{server.Port}: the server's certificate is not signed by an authority in Chat:Tls:CaPath ({otherAuthority}) or the system's");
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

    [Fact]
    public async Task Accounts_LineTypedBeforeThePasswordPrompt_NeverSentAsChat()
    {
        WriteAccounts();
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path });
        await using var watcher = await WatchLobbyAsync(server);

        await using var client = await ClientHarness.StartAsync(server.Port);
        await client.TypeAsync("notalicespass");
        await client.Console.WaitForOutputAsync(line => line == "Password for alice: (secret)");
        await client.TypeAsync(Password);
        await client.Console.WaitForOutputAsync(line => line == $"* connected to 127.0.0.1:{server.Port} as alice in lobby");
        await client.TypeAsync("first real line");

        Assert.Equal("* alice joined lobby", await watcher.ReadLineAsync());
        Assert.Equal("alice: first real line", await watcher.ReadLineAsync());
        Assert.DoesNotContain("notalicespass", server.Log.RenderAll(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_LeavingWhileTheLoginIsHeldBack_EndsAtOnce()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password));
        await File.WriteAllTextAsync(_data.File("password"), Password + "\n");
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Auth:MaxFailuresPerMinute"] = "1" });
        await using (var guesser = await server.ConnectAsync())
        {
            await guesser.ReadLineAsync();
            await guesser.SendAsync("/login alice wrong-guess");
            await guesser.ReadLineAsync();
        }

        // The client's own login now waits a minute on the server; the user stops the client meanwhile.
        var client = await ClientHarness.StartAsync(server.Port, new() { ["Chat:PasswordFile"] = _data.File("password") });
        await client.Console.WaitForOutputAsync(line => line.StartsWith("* too many failed logins from your address", StringComparison.Ordinal));

        var exit = client.Exit;
        await client.Host.StopAsync().WaitAsync(TestTimeouts.Default);
        client.Host.Dispose();
        Assert.Equal(0, exit.Code);
    }

    [Fact]
    public async Task Accounts_WrongPasswordInThePasswordFile_ExitsOneSayingSo_TriedOnce()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password));
        await File.WriteAllTextAsync(_data.File("password"), "an old password\n");
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path });

        await using var client = await ClientHarness.StartAsync(server.Port, new() { ["Chat:PasswordFile"] = _data.File("password") });

        await client.Console.WaitForOutputAsync(line => line == $"! error: the server refused the password in Chat:PasswordFile ({_data.File("password")}) for alice; not trying again");
        await client.WaitForStopAsync();
        Assert.Equal(1, client.Exit.Code);
        Assert.Single(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Failed login", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accounts_SameAccountLogsInElsewhere_DisplacedClientSaysSoAndDoesNotReconnect()
    {
        WriteAccounts();
        await File.WriteAllTextAsync(_data.File("password"), Password + "\n");
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Auth:MaxSessionsPerAccount"] = "1" });
        var settings = new Dictionary<string, string?> { ["Chat:PasswordFile"] = _data.File("password") };
        await using var first = await ClientHarness.StartAsync(server.Port, settings);
        await first.Console.WaitForOutputAsync(line => line.StartsWith("* connected", StringComparison.Ordinal));

        await using var second = await ClientHarness.StartAsync(server.Port, settings);
        await second.Console.WaitForOutputAsync(line => line.StartsWith("* connected", StringComparison.Ordinal));

        await first.Console.WaitForOutputAsync(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^! error: you logged in again from 127\.0\.0\.1:\d+; this connection closes$"));
        await first.WaitForStopAsync();
        Assert.Equal(1, first.Exit.Code);
        await using var watcher = await WatchLobbyAsync(server);
        await second.TypeAsync("still mine");
        Assert.Equal("alice: still mine", await watcher.ReadLineAsync());
        Assert.Single(server.Log.Events, e => e.MessageTemplate.Text.Contains("logged in again from", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accounts_TwoDevicesOfOneAccount_EachShowsTheOthersLinesAsItsOwn_SearchAndReadMarkersShown()
    {
        WriteAccounts();
        await File.WriteAllTextAsync(_data.File("password"), Password + "\n");
        await using var server = await TestServer.StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path });
        var settings = new Dictionary<string, string?> { ["Chat:PasswordFile"] = _data.File("password") };
        await using var laptop = await ClientHarness.StartAsync(server.Port, settings);
        await laptop.Console.WaitForOutputAsync(line => line.StartsWith("* connected", StringComparison.Ordinal));
        await using var phone = await ClientHarness.StartAsync(server.Port, settings);
        await phone.Console.WaitForOutputAsync(line => line.StartsWith("* connected", StringComparison.Ordinal));
        await using var watcher = await WatchLobbyAsync(server);

        await laptop.TypeAsync("said on the laptop");
        Assert.Equal("alice: said on the laptop", await watcher.ReadLineAsync());
        await phone.Console.WaitForOutputAsync(line => line == "you: said on the laptop");

        await phone.TypeAsync("/search laptop");
        await phone.Console.WaitForOutputAsync(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\[found\] #lobby \S+ alice: said on the laptop \(id \d+\)$"));
        await phone.Console.WaitForOutputAsync(line => line == "* 1 found for \"laptop\"");
        await phone.TypeAsync("/read");
        await phone.Console.WaitForOutputAsync(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\* read up to \d+ in lobby \(\S+\)$"));
        await laptop.Console.WaitForOutputAsync(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\* read up to \d+ in lobby \(\S+\)$"));
    }

    // alice, and a second account whose connection watches the lobby.
    private void WriteAccounts() => TestAccounts.Write(_data.File("users.txt"), ("alice", Password), ("watcher", "watcher's long password"));

    private static async Task<TestClient> WatchLobbyAsync(TestServer server)
    {
        var watcher = await server.ConnectAsync();
        await watcher.ReadLineAsync();
        await watcher.SendAsync("/login watcher watcher's long password");
        await watcher.ExpectAsync(line => line.StartsWith("* welcome", StringComparison.Ordinal));
        return watcher;
    }

    private Task<TestServer> StartTlsServerAsync(string certificatePath, string keyPath, Dictionary<string, string?>? settings = null) =>
        TestServer.StartAsync(TestServer.TlsSettings(_data.Path, certificatePath, keyPath), settings);
}
