using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// The meter as an operator reads it: dotnet-counters (installed by tests/run.sh) against a running server.
[Trait("Category", "Slow")]
public sealed class DotnetCountersTests
{
    [Fact]
    public async Task DotnetCounters_ReadsTheMeterFromARunningServer()
    {
        await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:NodeName=counted"]);
        server.StandardInput.Close();
        var port = await server.ReadListeningPortAsync();
        await using var client = await TestClient.ConnectAsync(port);
        await client.ReadLineAsync();
        var output = Path.Combine(Path.GetTempPath(), $"socketchat-counters-{Guid.NewGuid():N}.csv");

        try
        {
            await using var counters = ChildProcess.Start(Tool(), [
                "collect", "-p", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--counters", "SocketChat.Server", "--format", "csv", "-o", output, "--duration", "00:00:00:04"]);
            var collecting = counters.WaitForExitAsync(TimeSpan.FromSeconds(60));

            // Traffic while it collects, so the rates have something to show.
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (!collecting.IsCompleted && await timer.WaitForNextTickAsync())
            {
                await client.SendAsync("tick");
            }

            var (exitCode, _, _) = await collecting;
            var csv = await File.ReadAllTextAsync(output);

            Assert.Equal(0, exitCode);
            // Every series carries the node's name, so a cluster's nodes are told apart.
            Assert.Contains("SocketChat.Server,socketchat.connections ({connection})[socketchat.node=counted],Metric,1", csv, StringComparison.Ordinal);
            Assert.Contains("SocketChat.Server,socketchat.messages.received ({message} / 1 sec)[socketchat.node=counted],", csv, StringComparison.Ordinal);
            Assert.Contains("SocketChat.Server,socketchat.bytes.received (By / 1 sec)[socketchat.node=counted],", csv, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(output);
            await server.TerminateAsync();
        }
    }

    private static string Tool()
    {
        var installed = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-counters");
        return File.Exists(installed) ? installed : "dotnet-counters";
    }
}
