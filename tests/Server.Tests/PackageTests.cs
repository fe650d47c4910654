using System.Globalization;
using System.Runtime.InteropServices;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// deploy/package.sh's Debian package, installed on this machine (the tests run as root, as CI does): it installs
// the programs, the unit, the user, the settings and the data directory; the installed server runs and answers the
// probe (under systemd where the machine runs it, else started by hand); a purge removes all of it.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class PackageTests
{
    [Fact]
    public async Task DebianPackage_Installs_TheServerAnswersTheProbe_PurgeRemovesEverything()
    {
        var rid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var arch = rid == "linux-arm64" ? "arm64" : "amd64";
        await using (var package = ChildProcess.Start("bash", [RepositoryRoot.File("deploy", "package.sh")], new Dictionary<string, string> { ["RIDS"] = rid, ["VERSION"] = "0.0.0-test" }))
        {
            var (exitCode, _, error) = await package.WaitForExitAsync(TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, string.Join('\n', error));
        }

        var deb = RepositoryRoot.File("dist", $"socketchat_0.0.0-test_{arch}.deb");
        Assert.True(File.Exists(RepositoryRoot.File("dist", rid, "SocketChat.Server")));
        Assert.True(File.Exists(RepositoryRoot.File("dist", rid, "SocketChat.Client")));
        try
        {
            Assert.Equal(0, (await RunAsync("dpkg", "-i", deb)).ExitCode);
            Assert.True(File.Exists("/usr/lib/socketchat/SocketChat.Server"));
            Assert.True(File.Exists("/usr/bin/socketchat"));
            Assert.True(File.Exists("/lib/systemd/system/socketchat.service"));
            Assert.Contains("\"DataDirectory\": \"/var/lib/socketchat\"", await File.ReadAllTextAsync("/etc/socketchat/appsettings.json"), StringComparison.Ordinal);
            Assert.Equal("socketchat", (await RunAsync("stat", "-c", "%U", "/var/lib/socketchat")).Output.Single());

            if (Directory.Exists("/run/systemd/system"))
            {
                // systemd runs here: the package started its service, on the settings' port.
                Assert.Equal("active", (await RunAsync("systemctl", "is-active", "socketchat.service")).Output.Single());
                Assert.Equal(0, (await RunAsync("/usr/bin/socketchat-server", "--probe")).ExitCode);
            }
            else
            {
                var port = FreePort.Pick().ToString(CultureInfo.InvariantCulture);
                await using var server = ChildProcess.Start("/usr/bin/socketchat-server", ["--Chat:Host=127.0.0.1", $"--Chat:Port={port}", "--Chat:OperatorConsole=Off"]);
                await server.ReadOutputLineAsync(line => line.Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal));
                var probe = await RunAsync("/usr/bin/socketchat-server", "--probe", "--Chat:Host=127.0.0.1", $"--Chat:Port={port}");
                Assert.Equal(0, probe.ExitCode);
                Assert.StartsWith($"healthy: 127.0.0.1:{port} answered in ", probe.Output.Single(), StringComparison.Ordinal);
                await server.SignalAsync("TERM");
                Assert.Equal(0, (await server.WaitForExitAsync()).ExitCode);
            }
        }
        finally
        {
            Assert.Equal(0, (await RunAsync("dpkg", "--purge", "socketchat")).ExitCode);
        }

        Assert.False(Directory.Exists("/usr/lib/socketchat"));
        Assert.False(Directory.Exists("/etc/socketchat"));
        Assert.False(Directory.Exists("/var/lib/socketchat"));
        Assert.NotEqual(0, (await RunAsync("getent", "passwd", "socketchat")).ExitCode);
    }

    private static async Task<(int ExitCode, List<string> Output)> RunAsync(string program, params string[] arguments)
    {
        await using var process = ChildProcess.Start(program, arguments);
        var (exitCode, output, _) = await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return (exitCode, output);
    }
}
