using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Transports;

// A plain TCP socket, read and written on the Socket itself (no NetworkStream, no pipe). A read waits for data with
// a zero-byte receive (WaitForInputAsync), so an idle connection holds no buffer, then rents one for what came and
// gives it back once every byte of it is consumed. A flush sends everything written since the last at once, without
// waiting, in one (gathered) send on the non-blocking socket; only what the kernel does not take then is sent
// asynchronously. An event's large shared bytes are sent as they are (held by reference), the rest from rented buffers.
internal sealed class SocketTransport : Transport
{
    private readonly Socket _socket;
    private readonly SocketReader _input;
    private readonly SocketWriter _output;

    public SocketTransport(Socket socket)
    {
        // Sends are tried synchronously and never wait (the writer falls back to an asynchronous send for the rest);
        // asynchronous operations are unaffected.
        socket.Blocking = false;
        (_socket, _input, _output) = (socket, new SocketReader(socket), new SocketWriter(socket));
    }

    public override PipeReader Input => _input;

    public override PipeWriter Output => _output;

    public override IEventOutput Events => _output;

    public override ValueTask<int> WaitForInputAsync(CancellationToken cancellationToken) => _input.WaitAsync(cancellationToken);

    public override Task FirstInputAsync(CancellationToken cancellationToken) => _input.WaitAsync(cancellationToken).AsTask();

    public override Task CloseAsync(CancellationToken aborted) => ConnectionClose.CloseAsync(_socket, _input, _output, secured: null, aborted);

    public override ValueTask DisposeAsync()
    {
        _input.Complete();
        _output.Complete();

        // As a NetworkStream that owns its socket closes it: shut down both ways (the peer reads its end), then closed.
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Not connected any more.
        }

        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class SocketReader(Socket socket) : PipeReader
    {
        private const int BufferSize = 16 * 1024;

        private byte[]? _buffer;
        private int _start;
        private int _end;
        private bool _examinedAll = true;
        private bool _ended;

        // Done at once when something is left unexamined (a throttled line) or the peer has closed; otherwise a
        // zero-byte receive, which needs no buffer.
        public ValueTask<int> WaitAsync(CancellationToken cancellationToken) =>
            !_examinedAll || _ended ? default : socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);

        // After WaitAsync, the receive finds data (or the end) and completes without waiting.
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            // What was left unexamined (a throttled line) is given again at once; otherwise more is read first.
            if (_examinedAll && !_ended)
            {
                if (_buffer is null)
                {
                    _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                }
                else if (_end == _buffer.Length)
                {
                    MakeRoom();
                }

                var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
                _ended = read == 0;
                _end += read;
            }

            return new ReadResult(Buffered(), isCanceled: false, isCompleted: _ended);
        }

        public override bool TryRead(out ReadResult result)
        {
            result = new ReadResult(Buffered(), isCanceled: false, isCompleted: _ended);
            return _start < _end || _ended;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (_buffer is null)
            {
                return;
            }

            _start = Math.Max(_start, consumed.GetInteger());
            _examinedAll = examined.GetInteger() >= _end;
            if (_start == _end)
            {
                // All of it taken: an idle connection holds no buffer.
                ArrayPool<byte>.Shared.Return(_buffer);
                (_buffer, _start, _end) = (null, 0, 0);
            }
        }

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                (_buffer, _start, _end) = (null, 0, 0);
            }
        }

        private ReadOnlySequence<byte> Buffered() =>
            _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

        // The start of a line longer than what is left of the buffer: moved to its front, or into a larger one.
        private void MakeRoom()
        {
            var kept = _end - _start;
            var target = _start > 0 ? _buffer! : ArrayPool<byte>.Shared.Rent(_buffer!.Length * 2);
            Buffer.BlockCopy(_buffer!, _start, target, 0, kept);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer!);
            }

            (_buffer, _start, _end) = (target, 0, kept);
        }
    }

    private sealed class SocketWriter(Socket socket) : PipeWriter, IEventOutput
    {
        private const int ChunkSize = 16 * 1024;

        // Measured (bench/compare.sh, A/B): a gathered send of one segment per event costs more than copying the
        // event in (each segment is pinned, and a fan-out's events are some 100 bytes), so only large shared bytes
        // go out by reference.
        private const int ShareAbove = 2048;

        // What a flush sends, in order: the segments sealed so far (most flushes have one, and no list), then what
        // is written in the current chunk. Chunks are rented, and all given back after the flush.
        private ArraySegment<byte> _first;
        private List<ArraySegment<byte>>? _more;
        private List<byte[]>? _rented;
        private byte[]? _chunk;
        private int _chunkStart;
        private int _chunkEnd;
        private long _unflushed;
        private bool _completed;

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _unflushed;

        private int SegmentCount => _first.Array is null ? 0 : 1 + (_more?.Count ?? 0);

        public void Share(ReadOnlyMemory<byte> bytes)
        {
            if (bytes.IsEmpty)
            {
                return;
            }

            if (bytes.Length < ShareAbove || !MemoryMarshal.TryGetArray(bytes, out var segment))
            {
                this.Write(bytes.Span);
                return;
            }

            Seal();
            Add(segment);
            _unflushed += segment.Count;
        }

        public override void Advance(int bytes)
        {
            _chunkEnd += bytes;
            _unflushed += bytes;
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint).AsMemory(_chunkEnd);

        public override Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).AsSpan(_chunkEnd);

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Seal();
            if (SegmentCount == 0)
            {
                return new FlushResult(isCanceled: false, isCompleted: _completed);
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var total = (int)_unflushed;

                // Whatever the kernel takes now, without waiting: for a reading peer, all of it.
                var sent = SendNow();
                while (sent < total)
                {
                    // The rest, one segment at a time, waiting for the peer to read; cancelled by the abort.
                    sent += await SendRestAsync(sent, cancellationToken);
                }
            }
            finally
            {
                Release();
            }

            return new FlushResult(isCanceled: false, isCompleted: _completed);
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
            _completed = true;
            Release();
        }

        // One non-blocking send of every segment: how much the kernel took (none when its buffer is full).
        private int SendNow()
        {
            SocketError error;
            var sent = _more is { Count: > 0 } more
                ? socket.Send([_first, .. more], SocketFlags.None, out error)
                : socket.Send(_first.AsSpan(), SocketFlags.None, out error);
            return error switch
            {
                SocketError.Success => sent,
                SocketError.WouldBlock => 0,
                _ => throw new SocketException((int)error),
            };
        }

        private ValueTask<int> SendRestAsync(int sent, CancellationToken cancellationToken)
        {
            for (var index = 0; index < SegmentCount; index++)
            {
                var segment = index == 0 ? _first : _more![index - 1];
                if (sent >= segment.Count)
                {
                    sent -= segment.Count;
                    continue;
                }

                return socket.SendAsync(segment.AsMemory(sent), SocketFlags.None, cancellationToken);
            }

            return new ValueTask<int>(0);
        }

        private void Add(ArraySegment<byte> segment)
        {
            if (_first.Array is null)
            {
                _first = segment;
            }
            else
            {
                (_more ??= []).Add(segment);
            }
        }

        private byte[] Room(int sizeHint)
        {
            var wanted = Math.Max(sizeHint, 1);
            if (_chunk is null || _chunk.Length - _chunkEnd < wanted)
            {
                Seal();
                if (_chunk is not null)
                {
                    (_rented ??= []).Add(_chunk);
                }

                _chunk = ArrayPool<byte>.Shared.Rent(Math.Max(wanted, ChunkSize));
                (_chunkStart, _chunkEnd) = (0, 0);
            }

            return _chunk;
        }

        // What was written into the current chunk since its last segment becomes one.
        private void Seal()
        {
            if (_chunk is not null && _chunkEnd > _chunkStart)
            {
                Add(new ArraySegment<byte>(_chunk, _chunkStart, _chunkEnd - _chunkStart));
                _chunkStart = _chunkEnd;
            }
        }

        // After a flush: an idle connection holds no buffer, and no list.
        private void Release()
        {
            if (_chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(_chunk);
            }

            if (_rented is not null)
            {
                foreach (var chunk in _rented)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }

            (_first, _more, _rented, _chunk) = (default, null, null, null);
            (_chunkStart, _chunkEnd, _unflushed) = (0, 0, 0);
        }
    }
}

// A TCP socket after a TLS handshake: pipes over the TLS stream (zero-byte reads there too); closing sends close_notify.
internal sealed class TlsTransport : Transport
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 64 * 1024, leaveOpen: true);

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly System.Net.Security.SslStream _secured;

    public TlsTransport(Socket socket, NetworkStream network, System.Net.Security.SslStream secured)
    {
        (_socket, _network, _secured) = (socket, network, secured);
        Input = PipeReader.Create(secured, ReaderOptions);
        Output = PipeWriter.Create(secured, WriterOptions);
    }

    public override PipeReader Input { get; }

    public override PipeWriter Output { get; }

    public override Task CloseAsync(CancellationToken aborted) => ConnectionClose.CloseAsync(_socket, Input, Output, _secured, aborted);

    public override async ValueTask DisposeAsync()
    {
        await _secured.DisposeAsync();
        await _network.DisposeAsync();
    }
}
