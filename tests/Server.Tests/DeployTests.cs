using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// The deployment files, checked with the tools that will read them.
public sealed class DeployTests
{
    [Fact]
    public async Task SystemdUnit_PassesSystemdAnalyzeVerify()
    {
        // verify insists that ExecStart exists, so the unit is checked pointing at the server built next to the tests.
        var unit = await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "systemd", "socketchat-server.service"));
        var directory = Directory.CreateTempSubdirectory("socketchat-unit-");
        var path = Path.Combine(directory.FullName, "socketchat-server.service");
        await File.WriteAllTextAsync(path, unit.Replace("/opt/socketchat", AppContext.BaseDirectory.TrimEnd('/'), StringComparison.Ordinal));
        try
        {
            await using var verify = ChildProcess.Start("systemd-analyze", ["verify", path]);
            var (exitCode, output, error) = await verify.WaitForExitAsync();

            Assert.Equal(0, exitCode);
            // Warnings (an unknown key, a bad value) do not change the exit code, so none may name this unit.
            Assert.DoesNotContain(output.Concat(error), line => line.Contains("socketchat-server", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SystemdTemplate_FromTheGuidesSeveralNodesSection_PassesSystemdAnalyzeVerify()
    {
        // The guide makes socketchat-server@.service from the unit and gives each instance a drop-in of its own.
        var unit = await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "systemd", "socketchat-server.service"));
        var guide = await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "systemd", "README.md"));
        var start = guide.IndexOf("instance.conf >/dev/null <<'UNIT'\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "the guide's drop-in is not where this test looks for it");
        start = guide.IndexOf('\n', start) + 1;
        var dropIn = guide[start..guide.IndexOf("\nUNIT\n", start, StringComparison.Ordinal)];
        Assert.Contains("Environment=Chat__Port=%i", dropIn, StringComparison.Ordinal);

        var directory = Directory.CreateTempSubdirectory("socketchat-unit-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "socketchat-server@.service"), unit.Replace("/opt/socketchat", AppContext.BaseDirectory.TrimEnd('/'), StringComparison.Ordinal));
            var dropIns = Directory.CreateDirectory(Path.Combine(directory.FullName, "socketchat-server@.service.d"));
            await File.WriteAllTextAsync(Path.Combine(dropIns.FullName, "instance.conf"), dropIn + "\n");

            await using var verify = ChildProcess.Start("systemd-analyze", ["verify", Path.Combine(directory.FullName, "socketchat-server@8081.service")]);
            var (exitCode, output, error) = await verify.WaitForExitAsync();

            Assert.Equal(0, exitCode);
            // The drop-in is read (an unknown key in it would be named here), and nothing in either file is questioned.
            Assert.DoesNotContain(output.Concat(error), line => line.Contains("socketchat-server", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SystemdUnit_HasTheSettingsOperationsRelyOn()
    {
        var unit = await File.ReadAllLinesAsync(RepositoryRoot.File("deploy", "systemd", "socketchat-server.service"));

        foreach (var setting in new[]
        {
            "Type=notify", "Restart=on-failure", "DynamicUser=yes", "StateDirectory=socketchat", "NoNewPrivileges=yes",
            "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
            "CapabilityBoundingSet=", "LimitNOFILE=65536", "StandardInput=null",
        })
        {
            Assert.Contains(setting, unit);
        }
    }

    [Fact]
    public async Task RedisConf_KeepsWhatItAcknowledged_AndNeverEvicts()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(redis.Configuration);

        string Setting(string name) => server.ConfigGet(name).Single().Value;

        Assert.Equal("yes", Setting("appendonly"));
        Assert.Equal("always", Setting("appendfsync"));
        Assert.Equal("noeviction", Setting("maxmemory-policy"));
        Assert.Equal("no", Setting("no-appendfsync-on-rewrite"));
        Assert.Equal(string.Empty, Setting("save"));
    }
}
