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

    private readonly FailureRun _failures = new(clock);

    public async Task FollowAsync(ChannelWriter<IReadOnlyList<StoredMessage>> committed, StoreHealth health, CancellationToken stopping)
    {
        ChannelMessageQueue? publications = null;
        var read = true;
        try
        {
            while (true)
            {
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

                        // A full batch may have more behind it.
                        read = entries.Count == MaxBatch;
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
                    var followed = store.Follow(publication.Message);
                    read = followed is null;
                    if (followed is { Count: > 0 })
                    {
                        await committed.WriteAsync(followed, CancellationToken.None);
                    }
                }
            }
        }
        finally
        {
            committed.TryComplete();
            if (publications is not null)
            {
                await publications.UnsubscribeAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
