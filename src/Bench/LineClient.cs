using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SocketChat.Bench;

// One benchmark connection: sends marked lines, reads every line it is sent and reports the marked ones.
internal sealed class LineClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Task _reading;

    private LineClient(Socket socket, Action<int, int, long, long> received)
    {
        _socket = socket;
        _reading = ReadAsync(received);
    }

    public static async Task<LineClient> ConnectAsync(IPEndPoint server, Action<int, int, long, long> received)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        return new LineClient(socket, received);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Gone already.
        }

        _socket.Dispose();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    // received(sender, sequence, sentTicks, receivedTicks) for every line that carries a marker.
    private async Task ReadAsync(Action<int, int, long, long> received)
    {
        await Task.Yield();
        var buffer = new byte[256 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    filled = 0; // A line longer than the buffer is not ours; drop it.
                }

                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                filled += read;
                var start = 0;
                int newline;
                while ((newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n')) >= 0)
                {
                    if (Marker.TryRead(buffer.AsSpan(start, newline), out var sender, out var sequence, out var ticks))
                    {
                        received(sender, sequence, ticks, now);
                    }

                    start += newline + 1;
                }

                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed.
        }
    }
}
