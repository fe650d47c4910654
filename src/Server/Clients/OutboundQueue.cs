using System.Threading.Tasks.Sources;
using SocketChat.Protocol.Encoders;

namespace SocketChat.Server.Clients;

// One client's outbound events, bounded by count and by bytes. Any thread may enqueue without waiting; the
// connection's single writer loop drains it. Past half full it is congested: senders wait for it to drain to a
// quarter (backpressure) rather than overflow it, unless it has been lagging too long already.
// A queue under a lock with one reusable waiter, rather than a Channel: a channel costs about 1.4 KiB per
// connection before its first message, this nothing until a message comes; and a channel's write takes a lock too.
internal sealed class OutboundQueue(int maxMessages, long maxBytes) : IValueTaskSource<bool>
{
    // A queue that has held this many is let go once empty, so one burst does not pin its array for good.
    private const int KeepCapacity = 256;

    // A leaf: held for the queue alone, never across a call out.
    private readonly Lock _gate = new();
    private Queue<(EncodedEvent Event, int Bytes)>? _items;
    private int _highWater;
    private long _queuedBytes;
    private int _queuedMessages;
    private bool _closed;
    private bool _aborted;
    private TaskCompletionSource? _drained;
    private long _congestedSince;

    // While the client is being shown a room's history (read from the store outside every lock), what the room says
    // meanwhile waits here, then follows the history: history and live messages neither overlap nor leave a gap.
    private List<(EncodedEvent Event, int Bytes)>? _held;
    private bool _holding;

    // The writer loop's wait: reset for each wait, completed by whoever brings it something.
    private ManualResetValueTaskSourceCore<bool> _reader = new() { RunContinuationsAsynchronously = true };
    private bool _readerWaiting;

    public bool IsCongested => Volatile.Read(ref _queuedBytes) > maxBytes / 2 || Volatile.Read(ref _queuedMessages) > maxMessages / 2;

    // Senders stopped waiting for this queue: it did not drain in time. Cleared once it drains.
    // Set by a sender's read loop, cleared by this queue's reader: a flag, nothing ordered by it.
    public bool Lagging { get => _lagging; set => _lagging = value; }

    private volatile bool _lagging;

    private bool IsDrained => _queuedBytes <= maxBytes / 4 && _queuedMessages <= maxMessages / 4;

    // When this queue's congestion began (a TimeProvider timestamp): now if it is
    // the first to ask since the queue last drained. Senders hold back for it until that time plus the grace period.
    public long CongestedSince(long now)
    {
        lock (_gate)
        {
            if (_congestedSince == 0)
            {
                _congestedSince = now;
            }

            return _congestedSince;
        }
    }

    // Completes once the queue is down to a quarter of its limits, or closed.
    public Task WhenDrainedAsync()
    {
        lock (_gate)
        {
            if (IsDrained || _closed)
            {
                _congestedSince = 0;
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    // Queues an event. One the room or another client sent (live) waits behind a Hold;
    // one for this client alone (a reply, its history) goes straight in.
    public EnqueueResult TryEnqueue(EncodedEvent message, int bytes, bool live)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return EnqueueResult.Closed;
            }

            if (_queuedMessages >= maxMessages || _queuedBytes + bytes > maxBytes)
            {
                return EnqueueResult.Full;
            }

            Volatile.Write(ref _queuedMessages, _queuedMessages + 1);
            Volatile.Write(ref _queuedBytes, _queuedBytes + bytes);
            if (live && _holding)
            {
                (_held ??= []).Add((message, bytes));
                return EnqueueResult.Queued;
            }

            var items = _items ??= new Queue<(EncodedEvent, int)>();
            items.Enqueue((message, bytes));
            _highWater = Math.Max(_highWater, items.Count);
            if (!_readerWaiting)
            {
                return EnqueueResult.Queued;
            }

            _readerWaiting = false;
        }

        _reader.SetResult(true);
        return EnqueueResult.Queued;
    }

    // From now until Release, live events wait (they still count against the limits).
    public void Hold()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    // Live events held since Hold follow what was sent meanwhile, in the order they came.
    public void Release()
    {
        lock (_gate)
        {
            _holding = false;
            if (_held is not { Count: > 0 } held || _closed)
            {
                _held = null;
                return;
            }

            var items = _items ??= new Queue<(EncodedEvent, int)>();
            foreach (var item in held)
            {
                items.Enqueue(item);
            }

            _highWater = Math.Max(_highWater, items.Count);
            _held = null;
            if (!_readerWaiting)
            {
                return;
            }

            _readerWaiting = false;
        }

        _reader.SetResult(true);
    }

    // True when there is something to send; false once completed and empty, or aborted.
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_aborted)
            {
                return new ValueTask<bool>(false);
            }

            var ready = _items is { Count: > 0 };
            if (ready || _closed)
            {
                return new ValueTask<bool>(ready);
            }

            _reader.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _reader.Version);
        }
    }

    public bool TryDequeue(out EncodedEvent message)
    {
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            if (_aborted || _items is not { Count: > 0 } items)
            {
                message = null!;
                return false;
            }

            (message, var bytes) = items.Dequeue();
            Volatile.Write(ref _queuedMessages, _queuedMessages - 1);
            Volatile.Write(ref _queuedBytes, _queuedBytes - bytes);
            if (items.Count == 0 && _highWater > KeepCapacity)
            {
                _items = null;
                _highWater = 0;
            }

            if ((_drained is not null || Lagging || _congestedSince != 0) && IsDrained)
            {
                drained = TakeDrained();
            }
        }

        drained?.TrySetResult();
        return true;
    }

    // No more events: the writer sends what is queued, then stops.
    public void Complete() => Close(abort: false);

    // No more events and nothing more sent: the writer stops at once.
    public void Abort() => Close(abort: true);

    private void Close(bool abort)
    {
        TaskCompletionSource? drained;
        bool wake;
        lock (_gate)
        {
            _closed = true;
            _aborted |= abort;
            if (abort)
            {
                _held = null;
            }

            wake = _readerWaiting;
            _readerWaiting = false;
            drained = TakeDrained();
        }

        if (wake)
        {
            _reader.SetResult(false);
        }

        drained?.TrySetResult();
    }

    private TaskCompletionSource? TakeDrained()
    {
        var drained = _drained;
        _drained = null;
        _congestedSince = 0;
        Lagging = false;
        return drained;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _reader.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _reader.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _reader.OnCompleted(continuation, state, token, flags);
}
