using System.Net;
using StackExchange.Redis;

namespace SocketChat.Server.Cluster;

// With Sentinel (Chat:Storage:Redis "…,serviceName=NAME"): is the primary this node talks to the one the Sentinels
// name? An old primary started again after a failover runs as a primary, with data the new one never had, until the
// Sentinels make it a replica (some seconds); Redis's client may take it for the primary meanwhile. While any primary
// it is connected to is not the Sentinels' choice, the node writes and reads nothing (the store is unavailable), so it
// neither stores on the wrong one nor takes it for a new log. Asked at most twice a second.
internal sealed class SentinelWatch : IDisposable
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMilliseconds(500);

    private readonly ConfigurationOptions _options;
    private readonly string _service;
    private readonly SemaphoreSlim _asking = new(1, 1);
    private ConnectionMultiplexer? _sentinels;
    private long _askedAt;
    private string? _problem;

    private SentinelWatch(ConfigurationOptions options, string service)
    {
        _options = options;
        _service = service;
    }

    // A watch for configuration when it names a Sentinel service; null when it does not (one Redis, no Sentinel).
    public static SentinelWatch? For(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        if (string.IsNullOrEmpty(options.ServiceName))
        {
            return null;
        }

        var sentinels = options.Clone();
        sentinels.ServiceName = null;
        sentinels.CommandMap = CommandMap.Sentinel;
        sentinels.TieBreaker = string.Empty;
        sentinels.AbortOnConnectFail = false;
        sentinels.ClientName = (options.ClientName ?? "socketchat") + ":watch";
        return new SentinelWatch(sentinels, options.ServiceName);
    }

    // Why what redis (and writer, when it has one) call the primary cannot be trusted now; null when it can, or when
    // no Sentinel answers (they are asked again next time; the node's own checks still stand).
    public async ValueTask<string?> ProblemAsync(ConnectionMultiplexer redis, ConnectionMultiplexer? writer)
    {
        if (Environment.TickCount64 - Volatile.Read(ref _askedAt) < Fresh.TotalMilliseconds)
        {
            return Volatile.Read(ref _problem);
        }

        await _asking.WaitAsync();
        try
        {
            if (Environment.TickCount64 - _askedAt >= Fresh.TotalMilliseconds)
            {
                Volatile.Write(ref _problem, await AskAsync(redis, writer));
                Volatile.Write(ref _askedAt, Environment.TickCount64);
            }

            return _problem;
        }
        finally
        {
            _asking.Release();
        }
    }

    // The primary the Sentinels name now (asked now); null when none answers.
    public async Task<EndPoint?> NamedPrimaryAsync()
    {
        _sentinels ??= await ConnectionMultiplexer.ConnectAsync(_options);
        foreach (var sentinel in _sentinels.GetServers().Where(server => server.IsConnected))
        {
            try
            {
                return await sentinel.SentinelGetMasterAddressByNameAsync(_service);
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                // Ask the next one.
            }
        }

        return null;
    }

    // The server of connection at endpoint (the primary the Sentinels name), when the connection has it.
    public static IServer? ServerAt(ConnectionMultiplexer connection, EndPoint endpoint) =>
        connection.GetServers().FirstOrDefault(server => Text(server.EndPoint) == Text(endpoint));

    private async Task<string?> AskAsync(ConnectionMultiplexer redis, ConnectionMultiplexer? writer)
    {
        if (await NamedPrimaryAsync() is not { } named)
        {
            return null;
        }

        foreach (var connection in writer is null ? [redis] : new[] { redis, writer })
        {
            foreach (var server in connection.GetServers())
            {
                if (server.IsConnected && !server.IsReplica && Text(server.EndPoint) != Text(named))
                {
                    return $"Redis at {Text(server.EndPoint)} says it is the primary, but the Sentinels name {Text(named)}: waiting until they make it a replica";
                }
            }
        }

        return null;
    }

    public static string Text(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => $"{(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? string.Empty,
    };

    public void Dispose()
    {
        _sentinels?.Dispose();
        _asking.Dispose();
    }
}
