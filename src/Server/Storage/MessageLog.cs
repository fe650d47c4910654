using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Storage;

// The log every message goes through. Sessions append drafts; one writer takes whatever has queued up meanwhile
// into each transaction (group commit), where the store gives each its id and recognises a resent line; each
// append's result is what its sender is acknowledged with. What was stored is then read, in order, from
// Committed by the log reader, which delivers it and moves the log's position on
// (Delivered).
// Its locks, _undelivered and _waiters, are leaves: each is taken alone, for its own list, never
// across a call out.
internal sealed class MessageLog(
    IMessageStore store,
    StoreHealth health,
    TimeProvider clock,
    ServerMetrics metrics,
    IOptions<ChatOptions> options,
    ILogger<MessageLog> logger,
    ILogTail? tail = null,
    ILineJudge? judge = null) : IHostedService, IDisposable
{
    private const int MaxBatch = 8192;

    // Stored batches the reader has not taken yet; past this the writer waits for it, so memory stays bounded.
    private const int MaxUnread = 64;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<Entry> _pending = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<IReadOnlyList<StoredMessage>> _committed = Channel.CreateBounded<IReadOnlyList<StoredMessage>>(
        new BoundedChannelOptions(MaxUnread) { SingleReader = true, SingleWriter = true });

    private readonly List<(long Id, TaskCompletionSource Delivered)> _waiters = [];
    private readonly CancellationTokenSource _giveUp = new();

    // Lines a store found stale (an entry that can restrict them was stored after they were judged), by the
    // connection that sent them, with what it sent after them: held until this server has applied that entry, then
    // judged again and stored in order, or refused. The writer's alone.
    private readonly Dictionary<long, Queue<Entry>> _held = [];
    private readonly CancellationTokenSource _stopTailing = new();

    // This node's messages on their way: appended and not yet stored, then stored and not yet delivered (their ids,
    // in order).
    private readonly Queue<long> _undelivered = new();
    private long _unanswered;
    private long _sequence;
    private long _lastDelivered;
    private Task _writing = Task.CompletedTask;
    private Task _tailing = Task.CompletedTask;
    private int _unstored;
    private readonly FailureRun _storeFailures = new(clock);

    // Messages given up on at stop because the store kept failing; none was acknowledged or delivered.
    public int Unstored => Volatile.Read(ref _unstored);

    public StoreHealth Health => health;

    // What the health probe is told is wrong: the store failing to commit, or out of reach; null when well.
    public string? Problem => health.Problem ?? store.Problem;

    // Problem in a few words, for those not shown its detail (Chat:HealthDetail).
    public string? Summary => health.Summary ?? (store.Problem is null ? null : "the message store cannot be reached");

    // What a client is told is wrong: the detail, or only the summary.
    public string? ProblemFor(bool detail) => detail ? Problem : Summary;

    // The log's position: the newest id delivered. A member who joins now has seen nothing after it.
    public long LastDelivered => Volatile.Read(ref _lastDelivered);

    public IMessageStore Store => store;

    // True when other servers append to the same log (cluster mode): what is stored comes back through its tail.
    public bool Shared => tail is not null;

    // This node's messages appended and not yet delivered (nor found to be resends).
    public long Pending
    {
        get
        {
            lock (_undelivered)
            {
                return Volatile.Read(ref _unanswered) + _undelivered.Count;
            }
        }
    }

    // What was stored, a batch at a time, in id order, for the log reader alone; completed when the log stops.
    public ChannelReader<IReadOnlyList<StoredMessage>> Committed => _committed.Reader;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Open();
        _lastDelivered = store.LastId;
        ServerLog.StoreOpened(logger, store.Kind, store.Location, _lastDelivered);

        // What moderation the store holds is applied before anything is said (a shared log's tail reads it itself,
        // once it has its place in the log).
        if (tail is null && store.Moderation() is { Count: > 0 } moderation)
        {
            _committed.Writer.TryWrite([.. moderation.Select(entry => entry with { Replayed = true })]);
        }
        _writing = Task.Run(WriteLoopAsync, CancellationToken.None);

        // A shared log is read back from the store, every node's entries, this one's included.
        if (tail is not null)
        {
            if (store.Problem is not null)
            {
                ServerLog.StoreUnreachable(logger, store.Location);
            }

            _tailing = Task.Run(() => tail.FollowAsync(_committed.Writer, health, _stopTailing.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    // Runs after the listeners have stopped and every connection has closed: stores what is left (the reader then
    // delivers and logs it). A store that keeps failing is retried for Chat:ShutdownGraceSeconds at most;
    // what it could not take is counted (Unstored), logged, and the server exits with an error.
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

        // Held lines waiting for an entry to be delivered wait no longer: the writer has let them go.
        await _giveUp.CancelAsync();
        await Task.WhenAll(_rejudging);

        // The tail reads once more, so this node's last lines are delivered (and logged), then ends the stream; a
        // Redis that does not answer gets the grace period, no more.
        await _stopTailing.CancelAsync();
        await _tailing.WaitAsync(TimeSpan.FromSeconds(options.Value.ShutdownGraceSeconds), clock, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        health.Stopped();
        store.Dispose();
    }

    public void Dispose()
    {
        _giveUp.Dispose();
        _stopTailing.Dispose();
    }

    // Queues a draft; never waits. Completes once it is stored, with what was stored (or the first of a resent
    // line), or is cancelled if the server stops before the store takes it.
    public Task<Appended> AppendAsync(Draft draft)
    {
        var appended = new TaskCompletionSource<Appended>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _latest, appended.Task);
        Interlocked.Increment(ref _unanswered);
        if (!_pending.Writer.TryWrite(new Entry(Keyed(draft), null, appended)))
        {
            Interlocked.Decrement(ref _unanswered);
            appended.SetCanceled();
        }

        return appended.Task;
    }

    // Cluster mode: queues a presence notice (StoredMessage.Presence) for the other servers; never
    // waits. Their readers deliver it in its place among the messages appended around it.
    public void Announce(Draft presence) => _pending.Writer.TryWrite(new Entry(Keyed(presence), null, null));

    // A draft without a client id is numbered once, here, so each retry of its batch carries the same key.
    private Draft Keyed(Draft draft) =>
        draft is { SenderToken: not null, Cid: not null } ? draft : draft with { Sequence = Interlocked.Increment(ref _sequence) };

    // Stores a resumable identity's nickname and room with the next batch.
    public void Save(IdentityRecord identity) => _pending.Writer.TryWrite(new Entry(null, identity, null));

    // Keeps a snapshot of every rule (Rooms/ModerationSnapshot) as holding the moderation entries up to upTo, after
    // the next batch; a failure is logged by the writer and the next snapshot tries again.
    public void SaveSnapshot(long upTo, string rules) => _pending.Writer.TryWrite(new Entry(null, null, null) { Snapshot = (upTo, rules) });

    // Keeps value under key for account (a device's place, a read marker) after the next batch, by this log's one
    // writer (a store has one writer, whatever it keeps); completes once it is kept, or fails with why not (the
    // store unavailable), or is cancelled when the server stops first.
    public Task SaveStateAsync(string account, string key, string value)
    {
        var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite(new Entry(null, null, null) { State = (account, key, value), Saved = saved }))
        {
            saved.SetCanceled();
        }

        return saved.Task;
    }

    // The newest append, so a caller can wait for everything appended before it asks (IRC's PING).
    private Task<Appended>? _latest;

    // Completes once every message appended before the call has been delivered, or will never be.
    public async Task WhenSettledAsync()
    {
        if (Volatile.Read(ref _latest) is not { } latest)
        {
            return;
        }

        try
        {
            await WhenDeliveredAsync((await latest).Message.Id);
        }
        catch (OperationCanceledException)
        {
            // Never stored: the server is stopping with its store failing.
        }
    }

    // Completes once the message id (and so every one before it) has been delivered.
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

    // A shared log: completes once this node has delivered every entry the log held when asked (in a cluster a
    // room change then follows whatever any node appended before it: a ban set on another node, a member's arrival),
    // waiting a little at most; a local log always has.
    public async Task CaughtUpAsync()
    {
        if (tail is null)
        {
            return;
        }

        try
        {
            await WhenDeliveredAsync(await store.HeadAsync()).WaitAsync(CatchUpLimit);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store slow or away (whatever it throws then): the change goes on with what this node has.
        }
    }

    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(2);

    // The reader delivered batch: the log's position moves to its last id (the reader alone calls it).
    public void Delivered(IReadOnlyList<StoredMessage> batch)
    {
        // Presence carries no id.
        var last = batch.Count == 0 ? 0 : batch.Max(message => message.Id);
        if (last <= Volatile.Read(ref _lastDelivered))
        {
            return;
        }

        Volatile.Write(ref _lastDelivered, last);
        lock (_undelivered)
        {
            while (_undelivered.TryPeek(out var id) && id <= last)
            {
                _undelivered.Dequeue();
            }
        }

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
                    if (entry.Rejudge is { } origin)
                    {
                        Rejudge(origin, batch, drafts);
                        continue;
                    }

                    // A connection with lines held to be judged again: what it sends meanwhile waits behind them.
                    if (entry.Draft is { Kind: not MessageKind.Presence, Origin: not 0 and var from } && _held.TryGetValue(from, out var held))
                    {
                        held.Enqueue(entry);
                        continue;
                    }

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

                if (batch.Count == 0)
                {
                    continue;
                }

                var results = drafts.Count == 0 && identities.Count == 0 ? [] : await AppendAsync(drafts, identities);
                if (results is null)
                {
                    Abandon(batch);
                    return;
                }

                await PublishAsync(batch, results);
                await SaveStatesAsync(batch);
                batch.Clear();
                drafts.Clear();
                identities.Clear();
            }
        }
        finally
        {
            // Still held at stop: never stored, never acknowledged, so their senders send them again.
            foreach (var entry in _held.Values.SelectMany(held => held))
            {
                if (entry.Result is { } appended)
                {
                    Interlocked.Decrement(ref _unanswered);
                    appended.TrySetCanceled();
                }
            }

            _held.Clear();
            if (tail is null)
            {
                _committed.Writer.TryComplete();
            }
        }
    }

    // What the batch keeps for accounts, after its messages: each told when it is kept, or why not.
    private async Task SaveStatesAsync(List<Entry> batch)
    {
        foreach (var entry in batch)
        {
            if (entry.Snapshot is var (upTo, rules))
            {
                try
                {
                    await store.SaveModerationSnapshotAsync(upTo, rules);
                    ServerLog.ModerationSnapshotKept(logger, upTo);
                }
                catch (Exception ex) when (ex is StoreUnavailableException or StorageException or IOException or Microsoft.Data.Sqlite.SqliteException)
                {
                    ServerLog.ModerationSnapshotFailed(logger, upTo, ex.Message);
                }
            }

            if (entry is { State: var (account, key, value), Saved: { } saved })
            {
                try
                {
                    await store.SaveAccountStateAsync(account, key, value);
                    saved.TrySetResult();
                }
                catch (Exception ex) when (ex is StoreUnavailableException or StorageException or IOException or Microsoft.Data.Sqlite.SqliteException)
                {
                    saved.TrySetException(ex as StoreUnavailableException ?? new StoreUnavailableException(ex.Message, ex));
                }
            }
        }
    }

    // A stale line is held, with whatever its connection sends after it, until this server has applied the entry
    // that may restrict it; then judged again (Rejudge).
    private void Hold(Entry entry, long after)
    {
        var origin = entry.Draft!.Origin;
        if (!_held.TryGetValue(origin, out var held))
        {
            _held[origin] = held = new Queue<Entry>();
            _rejudging.Add(RejudgeWhenDeliveredAsync(origin, after));
            _rejudging.RemoveAll(task => task.IsCompleted);
        }

        held.Enqueue(entry);
    }

    // The writer's list of its own waits for a rejudging (each ends when its entry is delivered, or at stop).
    private readonly List<Task> _rejudging = [];

    private async Task RejudgeWhenDeliveredAsync(long origin, long after)
    {
        try
        {
            await WhenDeliveredAsync(after).WaitAsync(_giveUp.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _pending.Writer.TryWrite(new Entry(null, null, null, origin));
    }

    // A connection's held lines, judged again in order against the rules as this server has them now: each either
    // goes into this batch, judged at the log's position now, or is refused (its sender told why). Moderation
    // entries it sent meanwhile go as they are (each is judged as it applies).
    private void Rejudge(long origin, List<Entry> batch, List<Draft> drafts)
    {
        if (!_held.Remove(origin, out var held))
        {
            return;
        }

        foreach (var entry in held)
        {
            var draft = entry.Draft!;
            if (draft.JudgedAt is not null)
            {
                // The position first, then the rules: they hold every entry up to it.
                var position = LastDelivered;
                if (judge?.Refusal(draft) is { } refusal)
                {
                    if (!draft.Answered)
                    {
                        judge.Refused(draft, refusal);
                    }

                    if (entry.Result is { } refused)
                    {
                        Interlocked.Decrement(ref _unanswered);
                        refused.TrySetResult(Appended.Refused(draft, refusal));
                    }

                    continue;
                }

                draft = draft with { JudgedAt = position };
            }

            batch.Add(entry with { Draft = draft });
            drafts.Add(draft);
        }
    }

    // Each sender learns what its draft became; what is new goes to the reader, in order (from a shared store, the
    // tail reads it back instead, among every node's). Resends were delivered when first stored.
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
            if (outcome.StaleAfter > 0)
            {
                Hold(entry, outcome.StaleAfter);
                continue;
            }

            if (!outcome.Duplicate)
            {
                stored.Add(outcome.Message);
            }

            if (entry.Result is { } appended)
            {
                if (!outcome.Duplicate)
                {
                    lock (_undelivered)
                    {
                        _undelivered.Enqueue(outcome.Message.Id);
                    }
                }

                Interlocked.Decrement(ref _unanswered);
                appended.TrySetResult(outcome);
            }
        }

        if (stored.Count > 0 && tail is null)
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
                var results = await store.AppendAsync(drafts, clock.GetUtcNow(), identities);
                metrics.Stored(results.Count(result => !result.Duplicate && result.Message.Kind != MessageKind.Presence), Stopwatch.GetElapsedTime(started));
                if (_storeFailures.Recovered() > 0)
                {
                    ServerLog.StoreRecovered(logger, drafts.Count);
                }

                health.Working();
                return results;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failingSince ??= clock.GetUtcNow();
                if (ex is LogLostException)
                {
                    // Nothing of this batch was stored or acknowledged; it goes into the new log at the next try.
                    ServerLog.LogLost(logger, ex.Message);
                    health.Lost();
                }

                // The first failure with its stack; then a line when the reason changes or each minute, with a count.
                _storeFailures.Report(
                    ex,
                    failed => ServerLog.StoreFailed(logger, drafts.Count, failed),
                    (failures, reason) => ServerLog.StoreStillFailing(logger, drafts.Count, failures, reason));
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
                Interlocked.Decrement(ref _unanswered);
                appended.TrySetCanceled();
            }

            entry.Saved?.TrySetCanceled();
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

    // A draft (with who waits for what it becomes), an identity to save, or (Rejudge) the sign that a connection's held
    // lines may be judged again.
    private sealed record Entry(Draft? Draft, IdentityRecord? Identity, TaskCompletionSource<Appended>? Result, long? Rejudge = null)
    {
        // A snapshot of every rule to keep (SaveSnapshot).
        public (long UpTo, string Rules)? Snapshot { get; init; }

        // Account state to keep (SaveStateAsync), and who waits for it.
        public (string Account, string Key, string Value)? State { get; init; }

        public TaskCompletionSource? Saved { get; init; }
    }
}
