using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace SocketChat.Server.Transports;

// A browser's WebSocket: each text message it sends is one line (read whole, with no framing pass; a newline in it
// is only JSON whitespace and becomes a space), and each event written is sent as one text message. Read by one
// read loop and written by one write loop, as a socket is.
internal sealed class WebSocketTransport : Transport
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly MessageReader _input;
    private readonly MessageWriter _output;

    // A message longer than maxLineBytes is cut after one byte more, so the loop sees it is too long; the rest is let go.
    public WebSocketTransport(WebSocket socket, int maxLineBytes)
    {
        _socket = socket;
        _input = new MessageReader(socket, maxLineBytes + 1);
        _output = new MessageWriter(socket);
    }

    public override PipeReader Input => _input;

    public override PipeWriter Output => _output;

    public override bool Messages => true;

    // Why the connection was refused at the door, to tell the browser; null when it was not.
    public string? Refusal { get; set; }

    public override void EndOfMessage() => _output.EndOfMessage();

    public override async Task CloseAsync(CancellationToken aborted)
    {
        await _input.CompleteAsync();
        if (aborted.IsCancellationRequested)
        {
            // Cut first: completing the writer would wait to send what it holds to a browser that does not read.
            _socket.Abort();
            await _output.CompleteAsync(new IOException("connection aborted"));
            return;
        }

        await _output.CompleteAsync().AsTask().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, timeout.Token);
            }

            // The browser answers with its own close; what it sends before that is let go.
            while (_socket.State == WebSocketState.CloseSent && !await _input.DiscardUntilCloseAsync(timeout.Token))
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The browser is gone, or did not answer in time.
            _socket.Abort();
        }
    }

    public override ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    // One whole message per read. Received into a buffer of its own: a read given up (the connection stops reading)
    // leaves the receive pending here, never writing into memory the caller has taken back.
    private sealed class MessageReader(WebSocket socket, int cap) : PipeReader
    {
        private readonly byte[] _chunk = new byte[4096];
        private Task<ValueWebSocketReceiveResult>? _receiving;
        private byte[] _message = [];
        private int _length;
        private bool _ready;
        private bool _closed;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            while (!_ready && !_closed)
            {
                var result = await ReceiveAsync(cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed = true;
                    break;
                }

                // Past the cap the message is too long whatever follows: the rest is read and let go.
                var kept = Math.Min(result.Count, cap - _length);
                if (kept > 0)
                {
                    if (_length + kept > _message.Length)
                    {
                        Array.Resize(ref _message, Math.Min(cap, Math.Max(_length + kept, Math.Max(256, _message.Length * 2))));
                    }

                    var into = _message.AsSpan(_length, kept);
                    _chunk.AsSpan(0, kept).CopyTo(into);
                    into.Replace((byte)'\n', (byte)' ');
                    into.Replace((byte)'\r', (byte)' ');
                    _length += kept;
                }

                _ready = result.EndOfMessage;
            }

            return new ReadResult(_ready ? new ReadOnlySequence<byte>(_message, 0, _length) : ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: !_ready);
        }

        public override bool TryRead(out ReadResult result)
        {
            result = _ready ? new ReadResult(new ReadOnlySequence<byte>(_message, 0, _length), false, false) : default;
            return _ready;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        // A message is taken whole or not at all (a throttled line is read again).
        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (_ready && consumed.GetInteger() >= _length)
            {
                _ready = false;
                _length = 0;
                if (_message.Length > 4096)
                {
                    _message = [];
                }
            }
        }

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        // Reads and lets go of what comes until the browser's close; true when it came.
        public async Task<bool> DiscardUntilCloseAsync(CancellationToken cancellationToken) =>
            (await ReceiveAsync(cancellationToken)).MessageType == WebSocketMessageType.Close;

        private async Task<ValueWebSocketReceiveResult> ReceiveAsync(CancellationToken cancellationToken)
        {
            _receiving ??= socket.ReceiveAsync(_chunk.AsMemory(), CancellationToken.None).AsTask();
            try
            {
                var result = await _receiving.WaitAsync(cancellationToken);
                _receiving = null;
                return result;
            }
            catch (WebSocketException ex)
            {
                _receiving = null;
                throw new IOException(ex.Message, ex);
            }
        }
    }

    // What the write loop writes, held until its flush; each event is sent as one text message, without its line end.
    private sealed class MessageWriter(WebSocket socket) : PipeWriter
    {
        private readonly List<int> _ends = [];
        private ArrayBufferWriter<byte>? _pending;

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _pending?.WrittenCount ?? 0;

        public void EndOfMessage() => _ends.Add(_pending?.WrittenCount ?? 0);

        public override void Advance(int bytes) => _pending!.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => (_pending ??= new ArrayBufferWriter<byte>(4096)).GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (_pending ??= new ArrayBufferWriter<byte>(4096)).GetSpan(sizeHint);

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_pending is not { } pending)
            {
                return default;
            }

            var start = 0;
            try
            {
                foreach (var end in _ends)
                {
                    var message = pending.WrittenMemory[start..end];
                    start = end;
                    if (message.Span is [.., (byte)'\n'])
                    {
                        message = message[..^(message.Span is [.., (byte)'\r', (byte)'\n'] ? 2 : 1)];
                    }

                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
            }
            catch (WebSocketException ex)
            {
                throw new IOException(ex.Message, ex);
            }

            // An idle connection holds no buffer.
            _ends.Clear();
            _pending = null;
            return default;
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
            _ends.Clear();
            _pending = null;
        }
    }
}
