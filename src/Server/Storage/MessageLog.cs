using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Storage;

/// <summary>
/// The log every message goes through. Sessions append drafts; one writer takes whatever has queued up meanwhile
/// into each transaction (group commit), where the store gives each its id and recognises a resent line; each
/// append's result is what its sender is acknowledged with. What was stored is then read, in order, from
/// <see cref="Committed"/> by the log reader, which delivers it and moves the log's position on
/// (<see cref="Delivered"/>): a newcomer's history is everything up to the position it joined at.
/// </summary>
/// <remarks>
/// The server's lock order, wherever two nest: ResumableIdentity.Gate, then MessageLog._position, then RoomDirectory._gate, then Room._gate, then any of OutboundQueue._gate, ChatSession._congestionGate, MessageLog._waiters (which take no other lock). Every other lock is taken alone. None is held across a store
/// call, a socket call or a log write. <c>_position</c>: nothing is delivered while it is held.
/// </remarks>
internal sealed class MessageLog(
    IMessageStore store,
    StoreHealth health,
    TimeProvider clock,
    ServerMetrics metrics,
    IOptions<ChatOptions> options,
    ILogger<MessageLog> logger) : IHostedService, IDisposable
{
    private const int MaxBatch = 8192;

    // Stored batches the reader has not taken yet; past this the writer waits for it, so memory stays bounded.
    private const int MaxUnread = 64;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<Entry> _pending = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<IReadOnlyList<StoredMessage>> _committed = Channel.CreateBounded<IReadOnlyList<StoredMessage>>(
        new BoundedChannelOptions(MaxUnread) { SingleReader = true, SingleWriter = true });

    private readonly Lock _position = new();
    private readonly List<(long Id, TaskCompletionSource Delivered)> _waiters = [];
    private readonly CancellationTokenSource _giveUp = new();
    private long _inFlight;
    private long _lastDelivered;
    private Task _writing = Task.CompletedTask;
    private int _unstored;

    /// <summary>Messages given up on at stop because the store kept failing; none was acknowledged or delivered.</summary>
    public int Unstored => Volatile.Read(ref _unstored);

    public StoreHealth Health => health;

    /// <summary>The log's position: the newest id delivered. A member who joins now has seen nothing after it.</summary>
    public long LastDelivered => Volatile.Read(ref _lastDelivered);

    public IMessageStore Store => store;

    /// <summary>Messages appended and not yet delivered (or found to be resends), everyone's.</summary>
    public long Pending => Volatile.Read(ref _inFlight);

    /// <summary>What was stored, a batch at a time, in id order, for the log reader alone; completed when the log stops.</summary>
    public ChannelReader<IReadOnlyList<StoredMessage>> Committed => _committed.Reader;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Open();
        _lastDelivered = store.LastId;
        ServerLog.StoreOpened(logger, store is MemoryMessageStore ? "memory" : "sqlite", store.Location, store.LastId);
        _writing = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs after the listeners have stopped and every connection has closed: stores what is left (the reader then
    /// delivers and logs it). A store that keeps failing is retried for <c>Chat:ShutdownGraceSeconds</c> at most;
    /// what it could not take is counted (<see cref="Unstored"/>), logged, and the server exits with an error.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        try
        {
            await _writing.WaitAsync(TimeSpan.FromSeconds(options.Value.ShutdownGraceSeconds), clock, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Stop retrying: the writer gives up at its next wait between attempts.
            await _giveUp.CancelAsync();
            await _writing;
        }

        health.Stopped();
        store.Dispose();
    }

    public void Dispose() => _giveUp.Dispose();

    /// <summary>
    /// Queues a draft; never waits. Completes once it is stored, with what was stored (or the first of a resent
    /// line), or is cancelled if the server stops before the store takes it.
    /// </summary>
    public Task<Appended> AppendAsync(Draft draft)
    {
        var appended = new TaskCompletionSource<Appended>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _inFlight);
        if (!_pending.Writer.TryWrite(new Entry(draft, null, appended)))
        {
            Interlocked.Decrement(ref _inFlight);
            appended.SetCanceled();
        }

        return appended.Task;
    }

    /// <summary>
    /// Queues a presence notice (<see cref="StoredMessage.Presence"/>); never waits. The reader delivers it in its
    /// place among the messages appended around it, so nobody hears of a rename after the renamed one's next line.
    /// </summary>
    public void Announce(Draft presence) => _pending.Writer.TryWrite(new Entry(presence, null, null));

    /// <summary>Stores a resumable identity's nickname and room with the next batch.</summary>
    public void Save(IdentityRecord identity) => _pending.Writer.TryWrite(new Entry(null, identity, null));

    /// <summary>Completes once the message <paramref name="id"/> (and so every one before it) has been delivered.</summary>
    public Task WhenDeliveredAsync(long id)
    {
        if (Volatile.Read(ref _lastDelivered) >= id)
        {
            return Task.CompletedTask;
        }

        lock (_waiters)
        {
            if (Volatile.Read(ref _lastDelivered) >= id)
            {
                return Task.CompletedTask;
            }

            var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((id, delivered));
            return delivered.Task;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> while the log's position cannot move: the reader delivers inside it, and a
    /// newcomer enters a room inside it, so what it is sent as history and what it gets live line up exactly.
    /// In-memory work only: never a store call.
    /// </summary>
    public T Exclusive<T>(Func<T> action)
    {
        lock (_position)
        {
            return action();
        }
    }

    /// <summary>The reader delivered <paramref name="batch"/>: the log's position moves to its last id. Called inside <see cref="Exclusive{T}"/>.</summary>
    public void Delivered(IReadOnlyList<StoredMessage> batch)
    {
        // Presence carries no id and was never counted in flight.
        var messages = batch.Count(message => message.Kind != MessageKind.Presence);
        if (messages == 0)
        {
            return;
        }

        var last = batch.Max(message => message.Id);
        Volatile.Write(ref _lastDelivered, last);
        Interlocked.Add(ref _inFlight, -messages);
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Id <= last)
                {
                    _waiters[i].Delivered.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Entry>(MaxBatch);
        var drafts = new List<Draft>(MaxBatch);
        var identities = new List<IdentityRecord>();
        try
        {
            while (await _pending.Reader.WaitToReadAsync())
            {
                while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                    if (entry.Draft is { } draft)
                    {
                        drafts.Add(draft);
                    }

                    if (entry.Identity is { } identity)
                    {
                        identities.Add(identity);
                    }
                }

                if (await AppendAsync(drafts, identities) is not { } results)
                {
                    Abandon(batch);
                    return;
                }

                await PublishAsync(batch, results);
                batch.Clear();
                drafts.Clear();
                identities.Clear();
            }
        }
        finally
        {
            _committed.Writer.TryComplete();
        }
    }

    // Each sender learns what its draft became; what is new goes to the reader, in order. Resends were delivered
    // when first stored, so they leave the count of what is in flight here.
    private async Task PublishAsync(List<Entry> batch, IReadOnlyList<Appended> results)
    {
        var stored = new List<StoredMessage>(results.Count);
        var result = 0;
        foreach (var entry in batch)
        {
            if (entry.Draft is null)
            {
                continue;
            }

            var outcome = results[result++];
            if (outcome.Duplicate)
            {
                Interlocked.Decrement(ref _inFlight);
            }
            else
            {
                stored.Add(outcome.Message);
            }

            entry.Result?.TrySetResult(outcome);
        }

        if (stored.Count > 0)
        {
            await _committed.Writer.WriteAsync(stored);
        }
    }

    // A store that fails (disk full, file removed) holds everything back until it works again; nothing is
    // acknowledged or delivered that is not stored. Null when the server stopped waiting for it.
    private async Task<IReadOnlyList<Appended>?> AppendAsync(List<Draft> drafts, List<IdentityRecord> identities)
    {
        DateTimeOffset? failingSince = null;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var results = store.Append(drafts, clock.GetUtcNow(), identities);
                metrics.Stored(results.Count(result => !result.Duplicate && result.Message.Kind != MessageKind.Presence), Stopwatch.GetElapsedTime(started));
                if (failingSince is not null)
                {
                    ServerLog.StoreRecovered(logger, drafts.Count);
                }

                health.Working();
                return results;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failingSince ??= clock.GetUtcNow();
                ServerLog.StoreFailed(logger, drafts.Count, ex);
                health.Failing((int)Math.Min(Pending, int.MaxValue), failingSince.Value, ex.Message);
            }

            try
            {
                await Task.Delay(RetryDelay, clock, _giveUp.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    // The server is stopping and the store still fails: what it holds and what is queued behind it is lost. None of
    // it was acknowledged or delivered, so its senders know it did not arrive.
    private void Abandon(List<Entry> batch)
    {
        var unstored = 0;
        foreach (var entry in batch.Concat(Drain()))
        {
            if (entry.Result is { } appended)
            {
                unstored++;
                appended.TrySetCanceled();
            }
        }

        Volatile.Write(ref _unstored, unstored);
        ServerLog.StoreAbandoned(logger, unstored);
    }

    private IEnumerable<Entry> Drain()
    {
        while (_pending.Reader.TryRead(out var entry))
        {
            yield return entry;
        }
    }

    private sealed record Entry(Draft? Draft, IdentityRecord? Identity, TaskCompletionSource<Appended>? Result);
}
