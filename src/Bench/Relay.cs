using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SocketChat.Bench;

// relay: the reference the chat server is measured against, a minimal lossless line relay in .NET: every complete
// line a client sends goes to every other client. No parsing, no storage, no log: what the runtime itself allows on
// this machine. Per connection a zero-byte receive (no buffer while idle), then a pooled 16 KiB buffer for the read;
// the complete lines of a read are cut once into one block that every other connection's queue holds by reference
// (counted, back to the pool when the last has sent it); one writer per connection sends everything queued in one
// gathered send. Prints "RELAY listening on ADDRESS:PORT", runs until killed.
internal static class Relay
{
    private const int ReadSize = 16 * 1024;

    private static readonly ConcurrentDictionary<long, Peer> Peers = new();

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(options.Server.Address, options.Number("--port", 0)));
        listener.Listen(4096);
        output.WriteLine($"RELAY listening on {listener.LocalEndPoint}");
        output.Flush();
        long ids = 0;
        while (true)
        {
            var socket = await listener.AcceptAsync();
            socket.NoDelay = true;
            var peer = new Peer(++ids, socket);
            Peers[peer.Id] = peer;
            _ = peer.ReadAsync();
        }
    }

    // One block of complete lines, shared by every recipient; back to the pool when the last has sent it.
    private sealed class Block(byte[] bytes, int length, int holders)
    {
        private int _holders = holders;

        public ArraySegment<byte> Segment => new(bytes, 0, length);

        public void Release()
        {
            if (Interlocked.Decrement(ref _holders) == 0)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    private sealed class Peer(long id, Socket socket)
    {
        private readonly Lock _gate = new();
        private List<Block> _queued = [];
        private List<Block> _sending = [];
        private bool _writing;
        private byte[] _partial = [];
        private int _partialLength;

        public long Id => id;

        public async Task ReadAsync()
        {
            try
            {
                while (true)
                {
                    // Wait for data with no buffer, then take one only for the read.
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                    var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
                    var start = _partialLength <= ReadSize / 2 ? _partialLength : 0;
                    _partial.AsSpan(0, start).CopyTo(buffer);
                    var read = await socket.ReceiveAsync(buffer.AsMemory(start, ReadSize - start), SocketFlags.None);
                    if (read == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    }

                    var filled = start + read;
                    var end = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n') + 1;
                    KeepPartial(buffer.AsSpan(end, filled - end));
                    if (end == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        continue;
                    }

                    Broadcast(buffer, end);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Gone.
            }

            Peers.TryRemove(id, out _);
            socket.Dispose();
        }

        private void KeepPartial(ReadOnlySpan<byte> rest)
        {
            if (rest.Length > _partial.Length)
            {
                _partial = new byte[Math.Max(rest.Length, 256)];
            }

            rest.CopyTo(_partial);
            _partialLength = rest.Length;
        }

        private void Broadcast(byte[] buffer, int length)
        {
            var others = Peers.Values.Where(peer => peer.Id != id).ToList();
            if (others.Count == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return;
            }

            var block = new Block(buffer, length, others.Count);
            foreach (var peer in others)
            {
                peer.Enqueue(block);
            }
        }

        private void Enqueue(Block block)
        {
            lock (_gate)
            {
                _queued.Add(block);
                if (_writing)
                {
                    return;
                }

                _writing = true;
            }

            _ = WriteAsync();
        }

        // Everything queued meanwhile goes out in one gathered send.
        private async Task WriteAsync()
        {
            var segments = new List<ArraySegment<byte>>();
            while (true)
            {
                lock (_gate)
                {
                    if (_queued.Count == 0)
                    {
                        _writing = false;
                        return;
                    }

                    (_queued, _sending) = (_sending, _queued);
                }

                segments.Clear();
                segments.AddRange(_sending.Select(block => block.Segment));
                try
                {
                    var total = segments.Sum(segment => segment.Count);
                    var sent = await socket.SendAsync(segments, SocketFlags.None);
                    while (sent < total)
                    {
                        // A partial gathered send: the rest, one segment at a time.
                        sent += await SendRestAsync(segments, sent);
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // Gone: what it held is let go below.
                }

                foreach (var block in _sending)
                {
                    block.Release();
                }

                _sending.Clear();
            }
        }

        private async Task<int> SendRestAsync(List<ArraySegment<byte>> segments, int sent)
        {
            foreach (var segment in segments)
            {
                if (sent >= segment.Count)
                {
                    sent -= segment.Count;
                    continue;
                }

                return await socket.SendAsync(segment.AsMemory(sent), SocketFlags.None);
            }

            return 0;
        }
    }
}
