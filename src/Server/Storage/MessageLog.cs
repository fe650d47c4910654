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
/// Every message goes through here: it gets its id at once, is stored, and is delivered and acknowledged only after
/// its transaction commits. One writer takes whatever has queued up meanwhile into each transaction (group commit),
/// so a busy server writes large batches and a quiet one writes each message at once.
/// </summary>
internal sealed class MessageLog(
    IMessageStore store,
    StoreHealth health,
    TimeProvider clock,
    ServerMetrics metrics,
    IOptions<ChatOptions> options,
    ILogger<MessageLog> logger) : IHostedService, IDisposable
{
    private const int MaxBatch = 8192;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<Entry> _pending = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _submitGate = new();
    private readonly Lock _deliveryGate = new();
    private readonly List<(long Id, TaskCompletionSource Delivered)> _waiters = [];
    private long _lastId;
    private long _lastDelivered;
    private readonly CancellationTokenSource _giveUp = new();
    private Task _writing = Task.CompletedTask;
    private int _unstored;

    /// <summary>Messages given up on at stop because the store kept failing; none was acknowledged or delivered.</summary>
    public int Unstored => Volatile.Read(ref _unstored);

    public StoreHealth Health => health;

    /// <summary>The newest id delivered; a member who joins now has seen nothing after it.</summary>
    public long LastDelivered => Volatile.Read(ref _lastDelivered);

    public IMessageStore Store => store;

    /// <summary>Messages given an id and not yet delivered.</summary>
    public long Pending => Volatile.Read(ref _lastId) - Volatile.Read(ref _lastDelivered);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Open();
        _lastId = _lastDelivered = store.LastId;
        ServerLog.StoreOpened(logger, store is MemoryMessageStore ? "memory" : "sqlite", store.Location, store.LastId);
        _writing = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs after the listeners have stopped and every connection has closed: stores and delivers what is left. A
    /// store that keeps failing is retried for <c>Chat:ShutdownGraceSeconds</c> at most; what it could not take is
    /// counted (<see cref="Unstored"/>), logged, and the server exits with an error.
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

    /// <summary>Gives a message the next id and queues it; <paramref name="delivered"/> runs once it is stored.</summary>
    public StoredMessage Submit(Func<long, DateTimeOffset, StoredMessage> create, Action<StoredMessage> delivered)
    {
        lock (_submitGate)
        {
            var message = create(++_lastId, clock.GetUtcNow());
            _pending.Writer.TryWrite(new Entry(message, null, () => delivered(message)));
            return message;
        }
    }

    /// <summary>Runs <paramref name="action"/> once everything submitted before it is stored (a repeated acknowledgement).</summary>
    public void AfterStored(Action action) => Enqueue(new Entry(null, null, action));

    /// <summary>Stores a resumable identity's nickname and room with the next batch.</summary>
    public void Save(IdentityRecord identity) => Enqueue(new Entry(null, identity, null));

    // Under the submit lock, so an entry keeps its place among the messages submitted around it.
    private void Enqueue(Entry entry)
    {
        lock (_submitGate)
        {
            _pending.Writer.TryWrite(entry);
        }
    }

    /// <summary>Completes once the message <paramref name="id"/> (and so every one before it) has been stored and delivered.</summary>
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
    /// Runs <paramref name="action"/> while no message is being delivered: history read from the store then lines
    /// up exactly with the live messages that follow (none missing, none twice).
    /// </summary>
    public T WhileNothingIsDelivered<T>(Func<T> action)
    {
        lock (_deliveryGate)
        {
            return action();
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Entry>(MaxBatch);
        var messages = new List<StoredMessage>(MaxBatch);
        var identities = new List<IdentityRecord>();
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
                if (entry.Message is { } message)
                {
                    messages.Add(message);
                }

                if (entry.Identity is { } identity)
                {
                    identities.Add(identity);
                }
            }

            if (!await CommitAsync(messages, identities))
            {
                Abandon(messages.Count);
                return;
            }

            lock (_deliveryGate)
            {
                foreach (var entry in batch)
                {
                    Deliver(entry);
                }

                if (messages.Count > 0)
                {
                    Volatile.Write(ref _lastDelivered, messages[^1].Id);
                }
            }

            WakeWaiters();

            batch.Clear();
            messages.Clear();
            identities.Clear();
        }
    }

    private void WakeWaiters()
    {
        var delivered = Volatile.Read(ref _lastDelivered);
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Id <= delivered)
                {
                    _waiters[i].Delivered.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    // A store that fails (disk full, file removed) holds everything back until it works again; nothing is delivered
    // that is not stored. False when the server stopped waiting for it.
    private async Task<bool> CommitAsync(List<StoredMessage> messages, List<IdentityRecord> identities)
    {
        DateTimeOffset? failingSince = null;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                store.Commit(messages, identities);
                metrics.Stored(messages.Count, Stopwatch.GetElapsedTime(started));
                if (failingSince is not null)
                {
                    ServerLog.StoreRecovered(logger, messages.Count);
                }

                health.Working();
                return true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failingSince ??= clock.GetUtcNow();
                ServerLog.StoreFailed(logger, messages.Count, ex);
                health.Failing((int)Math.Min(Pending, int.MaxValue), failingSince.Value, ex.Message);
            }

            try
            {
                await Task.Delay(RetryDelay, clock, _giveUp.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    // The server is stopping and the store still fails: what it holds and what is queued behind it is lost. None of
    // it was acknowledged or delivered, so its senders know it did not arrive.
    private void Abandon(int inBatch)
    {
        var unstored = inBatch;
        while (_pending.Reader.TryRead(out var entry))
        {
            unstored += entry.Message is null ? 0 : 1;
        }

        Volatile.Write(ref _unstored, unstored);
        ServerLog.StoreAbandoned(logger, unstored);
    }

    private void Deliver(Entry entry)
    {
        try
        {
            entry.Delivered?.Invoke();
        }
        catch (Exception ex)
        {
            // One recipient's failure must not hold up the others or the log.
            ServerLog.DeliveryFailed(logger, entry.Message?.Id ?? 0, ex);
        }
    }

    private sealed record Entry(StoredMessage? Message, IdentityRecord? Identity, Action? Delivered);
}
