using System.Globalization;

namespace SocketChat.TestSupport;

// A real redis-server of the test's own, run with the shipped deploy/redis/redis.conf (AOF, fsync on
// every write, no eviction) on a free loopback port and a temporary directory. Never the system's service, never
// port 6379.
public sealed class RedisServer : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private ChildProcess? _process;

    private readonly string[] _extra;

    private RedisServer(int port, string[] extra)
    {
        Port = port;
        _extra = extra;
    }

    public int Port { get; }

    // The StackExchange.Redis configuration string for it.
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort.Pick(), []);
        await server.RunAsync();
        return server;
    }

    // A replica of primary (its own port and directory), once it has synchronised with it.
    public static async Task<RedisServer> StartReplicaAsync(RedisServer primary)
    {
        var server = new RedisServer(FreePort.Pick(), ["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)]);
        await server.RunAsync("MASTER <-> REPLICA sync: Finished with success");
        return server;
    }

    // Kills it (SIGKILL), as a crash would: what it acknowledged is in its append-only file.
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await process.SignalAsync("KILL");
            await process.WaitForExitAsync();
            await process.DisposeAsync();
            _process = null;
        }
    }

    // Stops it in its tracks (SIGSTOP): connections stay open, nothing is answered, as a stalled machine does.
    public Task PauseAsync() => _process!.SignalAsync("STOP");

    // Lets a paused server go on (SIGCONT).
    public Task ResumeAsync() => _process!.SignalAsync("CONT");

    // Starts it again on the same port and directory.
    public Task RestartAsync() => RunAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _directory.Dispose();
    }

    private async Task RunAsync(string ready = "Ready to accept connections")
    {
        // A copy of its own: a Sentinel promoting a replica has it rewrite its configuration file (CONFIG REWRITE).
        var configuration = Path.Combine(_directory.Path, "redis.conf");
        if (!File.Exists(configuration))
        {
            File.Copy(RepositoryRoot.File("deploy", "redis", "redis.conf"), configuration);
        }

        _process = ChildProcess.Start("redis-server", [
            configuration,
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _directory.Path,
            "--daemonize", "no",
            .. _extra,
        ]);
        await _process.ReadOutputLineAsync(line => line.Contains(ready, StringComparison.Ordinal));
    }
}
