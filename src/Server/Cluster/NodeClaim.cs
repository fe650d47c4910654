using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;
using SocketChat.Server.Storage;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Cluster;

// Cluster mode: this node's name is its own. Claimed in Redis at start under a lease (the holder's run, host and
// process id and start), renewed every third of it, given back at stop. A name held by a live process is refused at
// start (exit 2 naming the holder); one held by a process on this machine that is gone, or by this process id with
// another start (a container restarted), is taken over; one held elsewhere is waited for, a lease at most, in case
// it lapses (a node on another machine that crashed).
internal sealed class NodeClaim(IMessageStore store, IOptions<ChatOptions> options, TimeProvider clock, ILogger<NodeClaim> logger) : BackgroundService
{
    private const string ClaimScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
        local held = redis.call('GET', KEYS[1])
        if held == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return false end
        return held
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 0
        """;

    // How far this node's clock may be from Redis's before it is warned of (nothing shared depends on it).
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ClockWarningEvery = TimeSpan.FromMinutes(10);

    private bool _claimed;
    private DateTimeOffset? _clockWarned;

    // When this process started: a container restarted has the same host name and process id as the run before it.
    private static readonly long Started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime().Ticks;

    private string Holder => string.Join('\n', options.Value.Run, Environment.MachineName, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Started.ToString(CultureInfo.InvariantCulture));

    private RedisKey Key => $"{RedisMessageStore.Prefix}node:{options.Value.Node.ToLowerInvariant()}";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // A node that starts before Redis answers claims its name at its first renewal.
        if (store is RedisMessageStore { Reachable: true } shared)
        {
            await ClaimAsync(shared, cancellationToken);
            await CheckClockAsync(shared);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_claimed && store is RedisMessageStore { Reachable: true } shared)
        {
            // Given back so a restart can have it at once; if Redis does not answer, the lease lapses on its own.
            await ((Task)shared.Connection.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key], [Holder])).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not RedisMessageStore shared)
        {
            return;
        }

        var failures = new FailureRun(clock);
        using var timer = new PeriodicTimer(RedisNames.Lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await Retrying.AttemptAsync("Renewing this node's name", failures, logger, () => RenewAsync(shared), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task ClaimAsync(RedisMessageStore shared, CancellationToken cancellationToken)
    {
        var waitUntil = clock.GetUtcNow() + RedisNames.Lease + TimeSpan.FromSeconds(1);
        while (await TryClaimAsync(shared) is { } held)
        {
            var (run, host, pid, started) = Parse(held);
            var here = host == Environment.MachineName;
            if (here && (pid == Environment.ProcessId ? started != Started : !Alive(pid)))
            {
                // An earlier run of this node that crashed: its lease would lapse, but nobody holds the name.
                ServerLog.NodeNameTakenOver(logger, options.Value.Node, run);
                await shared.Connection.GetDatabase().StringSetAsync(Key, Holder, RedisNames.Lease);
                break;
            }

            if (here || clock.GetUtcNow() > waitUntil)
            {
                throw new StorageException(
                    $"Chat:NodeName={options.Value.Node} is in use by another node (run {run} on {host}, process {pid.ToString(CultureInfo.InvariantCulture)}); give each node a name of its own");
            }

            ServerLog.NodeNameWaiting(logger, options.Value.Node, host);
            await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
        }

        _claimed = true;
    }

    private async Task RenewAsync(RedisMessageStore shared)
    {
        if (await TryClaimAsync(shared) is { } held)
        {
            // Taken while this node could not renew (Redis away longer than a lease): say so every time.
            var (run, host, pid, _) = Parse(held);
            ServerLog.NodeNameConflict(logger, options.Value.Node, run, host, pid);
        }
        else
        {
            _claimed = true;
        }

        await CheckClockAsync(shared);
    }

    // Memberships, leases and message times are Redis's; a node's own clock shows only in its logs and its local
    // timers. One far off is said at start, every ten minutes while it stays off, and when it agrees again.
    private async Task CheckClockAsync(RedisMessageStore shared)
    {
        var asked = clock.GetUtcNow();
        var time = (RedisResult[])(await shared.Connection.GetDatabase().ExecuteAsync("TIME"))!;
        var answered = clock.GetUtcNow();
        var redis = DateTimeOffset.FromUnixTimeSeconds((long)time[0]).AddTicks((long)time[1] * 10);
        var skew = (asked + ((answered - asked) / 2)) - redis;
        if (skew.Duration() <= ClockTolerance)
        {
            if (_clockWarned is not null)
            {
                ServerLog.ClockAgrees(logger);
                _clockWarned = null;
            }

            return;
        }

        if (_clockWarned is not { } warned || answered - warned >= ClockWarningEvery)
        {
            ServerLog.ClockSkewed(logger, (long)Math.Round(skew.Duration().TotalSeconds), skew > TimeSpan.Zero ? "ahead of" : "behind");
            _clockWarned = answered;
        }
    }

    // Null when this process holds the name (now, or already); else who does.
    private async Task<string?> TryClaimAsync(RedisMessageStore shared)
    {
        var result = await shared.Connection.GetDatabase().ScriptEvaluateAsync(ClaimScript, [Key], [Holder, (long)RedisNames.Lease.TotalMilliseconds]);
        return result.IsNull ? null : result.ToString();
    }

    private static (string Run, string Host, int Pid, long Started) Parse(string held) =>
        held.Split('\n') is [var run, var host, var pid, var started]
        && int.TryParse(pid, CultureInfo.InvariantCulture, out var id) && long.TryParse(started, CultureInfo.InvariantCulture, out var since)
            ? (run, host, id, since)
            : (held, "?", 0, 0);

    private static bool Alive(int pid) => pid > 0 && Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");
}
