using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using SocketChat.Server.Logging;
using SocketChat.Server.Storage;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Cluster;

// Cluster mode's tail: every node's entries, in the shared log's order, from this node's position. The append script
// publishes what it added: a publication that follows this node's position is delivered as it is, with no read;
// after a gap (a publication missed while the subscription was down), at start, and after a second with no
// publication, the tail reads the log itself from its position. While Redis cannot be reached the position stays,
// and the tail catches up from it after; a log Redis lost is said, and the new one read from its start.
internal sealed class RedisLogTail(RedisMessageStore store, TimeProvider clock, ILogger<RedisLogTail> logger) : ILogTail
{
    private const int MaxBatch = 8192;

    // How many quiet seconds late, with Redis reachable, before the tail subscribes again.
    private const int ResubscribeAfterQuiet = 3;

    // How long this node's own append may go without its publication coming back before the subscription counts as
    // silent (a publication takes a millisecond or two).
    private const long SilentAfterMs = 2000;

    // How old an entry a quiet second's read finds must be for its publication to count as missed.
    private static readonly TimeSpan MissedAfter = TimeSpan.FromSeconds(1);

    // How far behind the log this node's reader may fall before delivery counts as late: a full batch read whose
    // newest entry is older than this (the node cannot keep up, or is catching up after a long stall).
    internal static readonly TimeSpan BehindAfter = TimeSpan.FromSeconds(5);

    // How far behind the reader last found itself (in milliseconds, 0 when it was not), for the health text.
    private long _behindMs;

    private readonly FailureRun _failures = new(clock);

    // When a publication last arrived (Environment.TickCount64), and since when the subscription has been down or
    // silent (0: it is not); the second is set by Redis's connection events too, on another thread.
    private long _publishedAt;
    private long _downSince;

    // When Redis last said the subscription's connection was made again (Environment.TickCount64).
    private long _restoredAt;

    public async Task FollowAsync(ChannelWriter<IReadOnlyList<StoredMessage>> committed, StoreHealth health, CancellationToken stopping)
    {
        ChannelMessageQueue? publications = null;
        var read = true;
        var quiet = false;
        var watched = false;
        var lateQuiet = 0;
        try
        {
            while (true)
            {
                if (!watched && store.Reachable)
                {
                    // The subscription's connection dropping is delivery being late at once, not in a second.
                    store.Connection.ConnectionFailed += SubscriptionFailed;
                    store.Connection.ConnectionRestored += SubscriptionRestored;
                    watched = true;
                }

                var last = stopping.IsCancellationRequested;
                try
                {
                    publications ??= await store.Connection.GetSubscriber().SubscribeAsync(RedisMessageStore.LogChannel);
                    if (read)
                    {
                        var entries = await store.ReadAfterAsync(MaxBatch);
                        if (_failures.Recovered() > 0)
                        {
                            ServerLog.TailRecovered(logger);
                        }

                        if (entries.Count > 0)
                        {
                            await committed.WriteAsync(entries, CancellationToken.None);
                        }

                        // A full batch may have more behind it. What a quiet second's read finds, the subscription
                        // should have brought.
                        read = entries.Count == MaxBatch;
                        // (One appended as the second ended may be a moment ahead of its publication: not counted.)
                        var missed = quiet && entries.Any(entry => clock.GetUtcNow() - entry.Timestamp > MissedAfter);
                        var behind = read ? clock.GetUtcNow() - entries[^1].Timestamp : TimeSpan.Zero;
                        Assess(health, publications, caughtUp: !read, missed, idle: quiet && entries.Count == 0, behind > BehindAfter ? behind : null);
                        quiet = false;
                        continue;
                    }
                }
                catch (LogLostException ex) when (!last)
                {
                    // Redis lost its data: the store follows the new log already; read it from its start.
                    ServerLog.LogLost(logger, ex.Message);
                    health.Lost();
                }
                catch (Exception ex)
                {
                    // Whatever the failure (Redis away, stalled, timing out, an entry it cannot read), the tail keeps
                    // its position and tries again: it ends only when the log stops.
                    if (last)
                    {
                        return;
                    }

                    _failures.Report(ex, failed => ServerLog.TailFailed(logger, failed.Message), (failures, reason) => ServerLog.TailStillFailing(logger, failures, reason));
                }

                if (last)
                {
                    return;
                }

                read = true;
                if (publications?.Completion.IsCompleted == true)
                {
                    // Unsubscribed under it (the connection was closed): subscribe again.
                    publications = null;
                }

                if (publications is null)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }

                if (await NextPublicationAsync(publications, stopping) is { } publication)
                {
                    Volatile.Write(ref _publishedAt, Environment.TickCount64);
                    var followed = store.Follow(publication.Message);
                    read = followed is null;
                    if (followed is { Count: > 0 })
                    {
                        await committed.WriteAsync(followed, CancellationToken.None);
                    }

                    // Late until now, and a publication followed on from the position: publications flow again.
                    if (followed is not null && health.DeliveryProblem is not null)
                    {
                        Assess(health, publications, caughtUp: true, missed: false, idle: false);
                    }
                }
                else
                {
                    // A quiet second: read the log (whatever the subscription missed), then judge it.
                    quiet = true;
                    Assess(health, publications, caughtUp: false, missed: false, idle: false);

                    // Late for a few quiet seconds with Redis there: the subscription is made again, whatever Redis's
                    // client thinks of the one it has (one that failed to come back, or went silent, stays so).
                    lateQuiet = health.DeliveryProblem is null || !store.Reachable ? 0 : lateQuiet + 1;
                    if (lateQuiet >= ResubscribeAfterQuiet)
                    {
                        lateQuiet = 0;
                        ServerLog.Resubscribing(logger);
                        await publications.UnsubscribeAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                        publications = null;
                    }
                }
            }
        }
        finally
        {
            if (watched)
            {
                store.Connection.ConnectionFailed -= SubscriptionFailed;
                store.Connection.ConnectionRestored -= SubscriptionRestored;
            }

            committed.TryComplete();
            if (publications is not null)
            {
                await publications.UnsubscribeAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void SubscriptionFailed(object? sender, ConnectionFailedEventArgs failed)
    {
        if (failed.ConnectionType == ConnectionType.Subscription)
        {
            Interlocked.CompareExchange(ref _downSince, Environment.TickCount64, 0);
        }
    }

    private void SubscriptionRestored(object? sender, ConnectionFailedEventArgs restored)
    {
        if (restored.ConnectionType == ConnectionType.Subscription)
        {
            Volatile.Write(ref _restoredAt, Environment.TickCount64);
        }
    }

    // Whether delivery keeps up: not while the subscription is down or was since the tail last caught up, nor while
    // the log holds what its publications should have brought (a quiet second's read finds entries, or this node's
    // own append is not published back to it: a subscription gone silent, as Centrifugo's once did after a failover,
    // while appends still succeed). Meanwhile the tail reads the log every second, so nothing is lost, only late; the
    // health probe says so until publications arrive again and the tail has caught up (or, nothing appended since,
    // there was nothing to bring).
    // A reader behind the log by more than BehindAfter is late too, whatever the publications do, until it has read
    // to the log's end.
    private void Assess(StoreHealth health, ChannelMessageQueue? publications, bool caughtUp, bool missed, bool idle, TimeSpan? behind = null)
    {
        var now = Environment.TickCount64;
        if (behind is { } lag)
        {
            Interlocked.CompareExchange(ref _downSince, now, 0);
            Volatile.Write(ref _behindMs, (long)lag.TotalMilliseconds);
        }

        var appended = store.AppendedAt;
        var published = Volatile.Read(ref _publishedAt);
        var subscribed = publications is { Completion.IsCompleted: false } && store.Connection.GetSubscriber().IsConnected(RedisMessageStore.LogChannel);
        if (!subscribed || missed)
        {
            Interlocked.CompareExchange(ref _downSince, now, 0);
        }
        else if (appended > published && now - appended > SilentAfterMs)
        {
            // Silent since that append, whose publication never came.
            Interlocked.CompareExchange(ref _downSince, appended, 0);
        }
        else if (caughtUp && Volatile.Read(ref _downSince) is var since and not 0
            && (published > since || (idle && (appended < since || Volatile.Read(ref _restoredAt) > since))))
        {
            // Publications have come since the trouble began; or a quiet second's read found nothing they missed,
            // and either nothing was appended here since (nothing to show for them) or the subscription was made
            // again since (after an outage, with the line retried meanwhile).
            Interlocked.CompareExchange(ref _downSince, 0, since);
        }
        else if (caughtUp && behind is null && Volatile.Read(ref _behindMs) > 0 && Volatile.Read(ref _downSince) is var behindSince and not 0)
        {
            // Behind, and read to the end since: caught up, publications or not.
            Interlocked.CompareExchange(ref _downSince, 0, behindSince);
        }

        if (Volatile.Read(ref _downSince) is var down and not 0)
        {
            var seconds = (now - down) / 1000.0;
            var behindBy = Volatile.Read(ref _behindMs) / 1000.0;
            var problem = behindBy > 0
                ? $"this node's reader is {behindBy:0.0} s behind the log (more than {BehindAfter.TotalSeconds:0} s), catching up"
                : $"the log's publications have not been arriving for {seconds:0.0} s; reading the log every second instead";
            if (health.Late(problem))
            {
                ServerLog.DeliveryLate(logger, behindBy > 0 ? "this node's reader has fallen behind the log"
                    : !subscribed ? "not subscribed to the log's publications" : "the log holds entries its publications did not bring");
            }
        }
        else
        {
            Volatile.Write(ref _behindMs, 0);
            if (health.OnTime())
            {
                ServerLog.DeliveryOnTime(logger);
            }
        }
    }

    // The next publication, or null after a second without one (or when the tail stops).
    private static async Task<ChannelMessage?> NextPublicationAsync(ChannelMessageQueue publications, CancellationToken stopping)
    {
        if (publications.TryRead(out var ready))
        {
            return ready;
        }

        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        quiet.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            return await publications.ReadAsync(quiet.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }
}
