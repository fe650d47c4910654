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

    private readonly Channel<(EncodedEvent Event, int Bytes)> _channel = Channel.CreateBounded<(EncodedEvent, int)>(
        new BoundedChannelOptions(maxMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _queuedBytes;
    private volatile bool _closed;

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public bool IsCongested => Interlocked.Read(ref _queuedBytes) > maxBytes / 2 || _channel.Reader.Count > maxMessages / 2;

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

    private bool IsDrained => Interlocked.Read(ref _queuedBytes) <= maxBytes / 4 && _channel.Reader.Count <= maxMessages / 4;

    public EnqueueResult TryEnqueue(EncodedEvent message, WireMode mode)
    {
        var bytes = message.For(mode).Length;
        if (Interlocked.Add(ref _queuedBytes, bytes) > maxBytes)
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            return EnqueueResult.Full;
        }

        if (_channel.Writer.TryWrite((message, bytes)))
        {
            return EnqueueResult.Queued;
        }

        Interlocked.Add(ref _queuedBytes, -bytes);
        // A bounded channel refuses a write when it is full or completed.
        return _closed ? EnqueueResult.Closed : EnqueueResult.Full;
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
