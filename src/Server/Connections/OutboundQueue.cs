using System.Threading.Channels;
using SocketChat.Protocol.Encoders;

namespace SocketChat.Server.Connections;

/// <summary>
/// One client's outbound events, bounded by count and by bytes. Any thread may enqueue without waiting;
/// the connection's single writer loop drains it. Past half full it is congested: senders wait for it to drain
/// to a quarter (backpressure) rather than overflow it, unless it has been lagging too long already.
/// </summary>
internal sealed class OutboundQueue(int maxMessages, long maxBytes)
{
    private readonly Lock _drainGate = new();
    private TaskCompletionSource? _drained;

    // Unbounded with one reader is lock-free; the bounds are kept by the two counters below, so a delivery (one
    // per recipient per message) takes no lock.
    private readonly Channel<(EncodedEvent Event, int Bytes)> _channel = Channel.CreateUnbounded<(EncodedEvent, int)>(
        new UnboundedChannelOptions { SingleReader = true });

    private long _queuedBytes;
    private long _queuedMessages;
    private volatile bool _closed;

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public bool IsCongested => Interlocked.Read(ref _queuedBytes) > maxBytes / 2 || Interlocked.Read(ref _queuedMessages) > maxMessages / 2;

    /// <summary>Senders stopped waiting for this queue: it did not drain in time. Cleared once it drains.</summary>
    public bool Lagging { get; set; }

    /// <summary>Completes once the queue is down to a quarter of its limits, or closed.</summary>
    public Task WhenDrainedAsync()
    {
        lock (_drainGate)
        {
            if (IsDrained || _closed)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    private bool IsDrained => Interlocked.Read(ref _queuedBytes) <= maxBytes / 4 && Interlocked.Read(ref _queuedMessages) <= maxMessages / 4;

    public EnqueueResult TryEnqueue(EncodedEvent message, WireMode mode)
    {
        var bytes = message.For(mode).Length;
        if (Interlocked.Increment(ref _queuedMessages) > maxMessages)
        {
            Interlocked.Decrement(ref _queuedMessages);
            return _closed ? EnqueueResult.Closed : EnqueueResult.Full;
        }

        if (Interlocked.Add(ref _queuedBytes, bytes) > maxBytes)
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            Interlocked.Decrement(ref _queuedMessages);
            return _closed ? EnqueueResult.Closed : EnqueueResult.Full;
        }

        if (_channel.Writer.TryWrite((message, bytes)))
        {
            return EnqueueResult.Queued;
        }

        // An unbounded channel refuses a write only once completed.
        Interlocked.Add(ref _queuedBytes, -bytes);
        Interlocked.Decrement(ref _queuedMessages);
        return EnqueueResult.Closed;
    }

    public void Complete()
    {
        _closed = true;
        _channel.Writer.TryComplete();
        SignalDrained();
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    public bool TryDequeue(out EncodedEvent message)
    {
        if (_channel.Reader.TryRead(out var item))
        {
            Interlocked.Add(ref _queuedBytes, -item.Bytes);
            Interlocked.Decrement(ref _queuedMessages);
            message = item.Event;
            if ((_drained is not null || Lagging) && IsDrained)
            {
                SignalDrained();
            }

            return true;
        }

        message = null!;
        return false;
    }

    private void SignalDrained()
    {
        TaskCompletionSource? drained;
        lock (_drainGate)
        {
            drained = _drained;
            _drained = null;
            Lagging = false;
        }

        drained?.TrySetResult();
    }
}
