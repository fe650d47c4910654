using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// TLS and accounts through the real program: the subcommand, SIGHUP, the probe, the password mode end to end.
[Trait("Category", "Slow")]
public sealed class SecurityProgramTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task UsersAdd_ThenServerWithTlsAndPasswordMode_LoginOverTls_ProbeHealthy_SighupReloadsAndKeepsServing()
    {
        var (certificatePath, keyPath, certificate) = TestCertificates.CreateServer(_data.Path);
        string[] settings = [$"--Chat:DataDirectory={_data.Path}", "--Chat:Host=127.0.0.1", "--Chat:OperatorConsole=Off"];
        await using (var add = ChildProcess.StartServer(["users", "add", "alice", .. settings]))
        {
            await add.StandardInput.WriteAsync("a long password\n");
            add.StandardInput.Close();
            var (exitCode, output, _) = await add.WaitForExitAsync();
            Assert.Equal(0, exitCode);
            Assert.Equal([$"added alice in {_data.File("users.txt")}"], output);
        }

        // The three settings the README promises, plus where the files are.
        string[] secure = [.. settings, "--Chat:Port=0", "--Chat:Auth:Mode=password", $"--Chat:Tls:CertificatePath={certificatePath}", $"--Chat:Tls:KeyPath={keyPath}"];
        await using var server = ChildProcess.StartServer(secure);
        var port = await server.ReadListeningPortAsync();

        await using (var alice = await TestClient.ConnectTlsAsync(port, certificate))
        {
            Assert.Equal("* this server needs an account: /login NAME PASSWORD", await alice.ReadLineAsync());
            await alice.SendAsync("/login alice a long password");
            Assert.Equal("* welcome to SocketChat, alice! You are in lobby. Type /help for commands.", await alice.ReadLineAsync());
        }

        await using (var probe = ChildProcess.StartServer(["--probe", .. secure[..^4], $"--Chat:Port={port}", $"--Chat:Tls:CertificatePath={certificatePath}", $"--Chat:Tls:KeyPath={keyPath}"]))
        {
            var (exitCode, output, _) = await probe.WaitForExitAsync();
            Assert.StartsWith($"healthy: 127.0.0.1:{port} answered in ", Assert.Single(output), StringComparison.Ordinal);
            Assert.Equal(0, exitCode);
        }

        await server.SignalAsync("HUP");
        await server.ReadOutputLineAsync(line => line.EndsWith("Reloading the certificate and accounts (SIGHUP)", StringComparison.Ordinal));
        await server.ReadOutputLineAsync(line => line.Contains("Loaded 1 accounts from", StringComparison.Ordinal));
        await using (var again = await TestClient.ConnectTlsAsync(port, certificate))
        {
            Assert.Equal("* this server needs an account: /login NAME PASSWORD", await again.ReadLineAsync());
        }

        await server.TerminateAsync();
        var (code, log, _) = await server.WaitForExitAsync();
        Assert.Equal(0, code);
        Assert.DoesNotContain(log, line => line.Contains("a long password", StringComparison.Ordinal));
    }

    // nohup starts the server with SIGHUP ignored, which the runtime's handler never sees.
    [Fact]
    public async Task StartedWithSigHupIgnored_AsUnderNohup_SigHupStillReloads_AndNeverStopsTheServer()
    {
        await using (var add = ChildProcess.StartServer(["users", "add", "alice", $"--Chat:DataDirectory={_data.Path}"]))
        {
            await add.StandardInput.WriteAsync("a long password\n");
            add.StandardInput.Close();
            Assert.Equal(0, (await add.WaitForExitAsync()).ExitCode);
        }

        await using var server = ChildProcess.Start("bash", [
            "-c", "trap '' HUP; exec dotnet \"$0\" \"$@\"",
            Path.Combine(AppContext.BaseDirectory, "SocketChat.Server.dll"),
            "--Chat:Host=127.0.0.1", "--Chat:Port=0", "--Chat:Auth:Mode=password", $"--Chat:DataDirectory={_data.Path}", "--Chat:OperatorConsole=Off",
        ]);
        await server.ReadOutputLineAsync(line => line.EndsWith("SIGHUP was ignored (started under nohup?); taken back: SIGHUP reloads the certificate and accounts, and never stops the server", StringComparison.Ordinal));
        var port = await server.ReadListeningPortAsync();

        await server.SignalAsync("HUP");

        await server.ReadOutputLineAsync(line => line.EndsWith("Reloading the certificate and accounts (SIGHUP)", StringComparison.Ordinal));
        await using var client = await TestClient.ConnectAsync(port);
        Assert.Equal("* this server needs an account: /login NAME PASSWORD", await client.ReadLineAsync());
    }
}
