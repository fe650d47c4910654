using System.Threading.Channels;
using SocketChat.Protocol.Encoders;

namespace SocketChat.Server.Connections;

/// <summary>
/// One client's outbound events, bounded by count and by bytes. Any thread may enqueue without waiting;
/// the connection's single writer loop drains it.
/// </summary>
internal sealed class OutboundQueue(int maxMessages, long maxBytes)
{
    private readonly Channel<(EncodedEvent Event, int Bytes)> _channel = Channel.CreateBounded<(EncodedEvent, int)>(
        new BoundedChannelOptions(maxMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _queuedBytes;
    private volatile bool _closed;

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

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
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    public bool TryDequeue(out EncodedEvent message)
    {
        if (_channel.Reader.TryRead(out var item))
        {
            Interlocked.Add(ref _queuedBytes, -item.Bytes);
            message = item.Event;
            return true;
        }

        message = null!;
        return false;
    }
}
