using System.Net.WebSockets;

namespace SocketChat.Server.Web;

/// <summary>
/// A browser's WebSocket as the line stream every connection speaks: each text message read is one line (a newline
/// inside it is only JSON whitespace and becomes a space), and each line written is sent as one text message.
/// Read by one read loop and written by one write loop, as a socket's stream is.
/// </summary>
internal sealed class WebSocketLineStream(WebSocket socket) : Stream
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly byte[] _inbound = new byte[4096];
    private Task<ValueWebSocketReceiveResult>? _receiving;
    private int _start;
    private int _end;
    private bool _newlineOwed;
    private bool _closed;
    private byte[] _partial = [];
    private int _partialLength;

    /// <summary>Why the connection was refused at the door, to tell the browser; null when it was not.</summary>
    public string? Refusal { get; set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    // Received into a buffer of its own: a read given up (the connection stops reading) leaves the receive pending
    // here, never writing into memory the caller has taken back, and the socket stays open for what is still sent.
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_start < _end)
            {
                var count = Math.Min(buffer.Length, _end - _start);
                _inbound.AsSpan(_start, count).CopyTo(buffer.Span);
                _start += count;
                return count;
            }

            if (_newlineOwed && !buffer.IsEmpty)
            {
                _newlineOwed = false;
                buffer.Span[0] = (byte)'\n';
                return 1;
            }

            if (_closed || buffer.IsEmpty)
            {
                return 0;
            }

            _receiving ??= socket.ReceiveAsync(_inbound.AsMemory(), CancellationToken.None).AsTask();
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _receiving.WaitAsync(cancellationToken);
            }
            catch (WebSocketException ex)
            {
                throw new IOException(ex.Message, ex);
            }

            _receiving = null;
            if (result.MessageType == WebSocketMessageType.Close)
            {
                _closed = true;
                return 0;
            }

            var received = _inbound.AsSpan(0, result.Count);
            received.Replace((byte)'\n', (byte)' ');
            received.Replace((byte)'\r', (byte)' ');
            (_start, _end) = (0, result.Count);
            _newlineOwed = result.EndOfMessage;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var end = buffer.Span.IndexOf((byte)'\n');
            if (end < 0)
            {
                Keep(buffer.Span);
                return;
            }

            var line = buffer[..end];
            buffer = buffer[(end + 1)..];
            if (_partialLength > 0)
            {
                Keep(line.Span);
                line = _partial.AsMemory(0, _partialLength);
                _partialLength = 0;
            }

            if (line.Span is [.., (byte)'\r'])
            {
                line = line[..^1];
            }

            try
            {
                await socket.SendAsync(line, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            catch (WebSocketException ex)
            {
                throw new IOException(ex.Message, ex);
            }
        }
    }

    /// <summary>
    /// Ends the conversation: a close message and a short wait for the browser's; an aborted connection is cut at once.
    /// </summary>
    public async Task CloseAsync(bool aborted)
    {
        if (aborted)
        {
            socket.Abort();
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, timeout.Token);
            }

            // The browser answers with its own close; what it sends before that is let go.
            while (socket.State == WebSocketState.CloseSent)
            {
                _receiving ??= socket.ReceiveAsync(_inbound.AsMemory(), CancellationToken.None).AsTask();
                var result = await _receiving.WaitAsync(timeout.Token);
                _receiving = null;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The browser is gone, or did not answer in time.
            socket.Abort();
        }
    }

    // The start of a line whose end comes in a later write.
    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_partialLength + bytes.Length > _partial.Length)
        {
            Array.Resize(ref _partial, Math.Max(_partialLength + bytes.Length, Math.Max(256, _partial.Length * 2)));
        }

        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += bytes.Length;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            socket.Dispose();
        }

        base.Dispose(disposing);
    }
}
