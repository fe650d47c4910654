using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

/// <summary>The deployment files, checked with the tools that will read them.</summary>
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
