using System.Globalization;

namespace SocketChat.TestSupport;

// Real Redis Sentinels of the test's own (redis-server --sentinel: Debian's redis-sentinel is that program), watching
// a primary as "mymaster": each on a free loopback port with a copy of the shipped deploy/redis/sentinel.conf in a
// temporary directory (a Sentinel rewrites its file). Quicker to decide than shipped, as a test needs: a primary
// silent for a second is down.
public sealed class RedisSentinels : IAsyncDisposable
{
    public const string Service = "mymaster";

    private readonly List<(ChildProcess Process, TempDirectory Directory)> _sentinels = [];

    private RedisSentinels(int[] ports) => Ports = ports;

    public int[] Ports { get; }

    // The StackExchange.Redis configuration string for the service through them (Chat:Storage:Redis).
    public string Configuration =>
        string.Join(',', Ports.Select(port => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture))) + ",serviceName=" + Service;

    // Three sentinels on the primary, once each knows the replicas given and the other sentinels: from then on a
    // failover can be agreed.
    public static async Task<RedisSentinels> StartAsync(RedisServer primary, int replicas, int count = 3)
    {
        var sentinels = new RedisSentinels([.. Enumerable.Range(0, count).Select(_ => FreePort.Pick())]);
        try
        {
            foreach (var port in sentinels.Ports)
            {
                var directory = new TempDirectory();
                var path = directory.File("sentinel.conf");

                // The shipped file, watching this test's primary, on this test's port and directory, deciding fast.
                var shipped = await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "redis", "sentinel.conf"));
                await File.WriteAllTextAsync(path, shipped.Replace(
                    $"sentinel monitor {Service} 127.0.0.1 6380 2",
                    $"sentinel monitor {Service} 127.0.0.1 {primary.Port} 2",
                    StringComparison.Ordinal) + $"""

                    port {port}
                    bind 127.0.0.1
                    dir {directory.Path}
                    sentinel down-after-milliseconds {Service} 1000
                    sentinel failover-timeout {Service} 5000

                    """);
                var process = ChildProcess.Start("redis-server", [path, "--sentinel", "--daemonize", "no"]);
                sentinels._sentinels.Add((process, directory));
            }

            foreach (var (process, _) in sentinels._sentinels)
            {
                await process.ReadOutputLineAsync(line => line.Contains($"+monitor master {Service}", StringComparison.Ordinal));
                for (var i = 0; i < replicas; i++)
                {
                    await process.ReadOutputLineAsync(line => line.Contains("+slave slave", StringComparison.Ordinal));
                }

                for (var i = 0; i < count - 1; i++)
                {
                    await process.ReadOutputLineAsync(line => line.Contains("+sentinel sentinel", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
                }
            }
        }
        catch
        {
            await sentinels.DisposeAsync();
            throw;
        }

        return sentinels;
    }

    // What the first sentinel says next that matches (its log lines: "+switch-master", "+odown", …).
    public Task<string> ReadEventAsync(Func<string, bool> match, TimeSpan limit) => _sentinels[0].Process.ReadOutputLineAsync(match, limit);

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, directory) in _sentinels)
        {
            await process.DisposeAsync();
            directory.Dispose();
        }
    }
}
