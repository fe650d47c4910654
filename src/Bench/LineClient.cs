using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace SocketChat.Bench;

// How a benchmark client reaches the server: a plain socket, TLS on the same port (the certificate --tls-cert names), or a WebSocket (/ws on a web port), where each line is one JSON message.
internal enum BenchTransport
{
    Tcp,
    Tls,
    Ws,
}

// One benchmark connection: sends marked lines, reads every line it is sent and reports the marked ones.
internal sealed class LineClient : IAsyncDisposable
{
    private readonly Socket? _socket;
    private readonly Stream? _stream;
    private readonly ClientWebSocket? _web;
    private readonly Task _reading;

    private LineClient(Socket? socket, Stream? stream, ClientWebSocket? web, Action<int, int, long, long> received)
    {
        (_socket, _stream, _web) = (socket, stream, web);
        _reading = ReadAsync(received);
    }

    // The server's certificate, as --tls-cert gives it (its self-signed certificate on this machine): the one a TLS
    // client accepts.
    public static System.Security.Cryptography.X509Certificates.X509Certificate2? Trusted { get; set; }

    private static readonly byte[] JsonHead = "{\"type\":\"message\",\"text\":\""u8.ToArray();
    private static readonly byte[] JsonTail = "\"}"u8.ToArray();

    public static async Task<LineClient> ConnectAsync(IPEndPoint server, Action<int, int, long, long> received, BenchTransport transport = BenchTransport.Tcp)
    {
        if (transport == BenchTransport.Ws)
        {
            var web = new ClientWebSocket();
            await web.ConnectAsync(new Uri($"ws://{server}/ws"), CancellationToken.None);
            return new LineClient(null, null, web, received);
        }

        var socket = await OpenAsync(server);
        if (transport == BenchTransport.Tcp)
        {
            return new LineClient(socket, null, null, received);
        }

        var secured = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false,
            (_, certificate, _, _) => certificate is not null && Trusted is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(Trusted.RawData));
        await secured.AuthenticateAsClientAsync("localhost");
        return new LineClient(socket, secured, null, received);
    }

    // A connection held open and left idle, as `conns` holds them (TLS and WebSocket after their handshakes).
    public static async Task<IAsyncDisposable> HoldAsync(IPEndPoint server, BenchTransport transport)
    {
        if (transport == BenchTransport.Tcp)
        {
            var socket = await OpenAsync(server);
            return new Held(socket, null);
        }

        return await ConnectAsync(server, (_, _, _, _) => { }, transport);
    }

    private static async Task<Socket> OpenAsync(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        return socket;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        if (_web is not null)
        {
            // One JSON message a line (the web client's protocol): {"type":"message","text":"…"}. A marked line has
            // nothing JSON must escape.
            int newline;
            while ((newline = bytes.Span.IndexOf((byte)'\n')) >= 0)
            {
                var line = bytes[..newline];
                var message = new byte[JsonHead.Length + line.Length + JsonTail.Length];
                JsonHead.CopyTo(message, 0);
                line.Span.CopyTo(message.AsSpan(JsonHead.Length));
                JsonTail.CopyTo(message, JsonHead.Length + line.Length);
                await _web.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                bytes = bytes[(newline + 1)..];
            }

            return;
        }

        if (_stream is not null)
        {
            await _stream.WriteAsync(bytes);
            return;
        }

        while (!bytes.IsEmpty)
        {
            var sent = await _socket!.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            _web.Abort();
            _web.Dispose();
        }
        else
        {
            try
            {
                _socket!.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Gone already.
            }

            _socket!.Dispose();
            _stream?.Dispose();
        }

        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async ValueTask<int> ReceiveAsync(Memory<byte> into)
    {
        if (_stream is not null)
        {
            return await _stream.ReadAsync(into);
        }

        if (_socket is not null)
        {
            return await _socket.ReceiveAsync(into, SocketFlags.None);
        }

        // A message is a line: its end is given as an LF, as a socket would send it.
        var result = await _web!.ReceiveAsync(into[..^1], CancellationToken.None);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return 0;
        }

        if (!result.EndOfMessage)
        {
            return result.Count;
        }

        into.Span[result.Count] = (byte)'\n';
        return result.Count + 1;
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

                var read = await ReceiveAsync(buffer.AsMemory(filled));
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
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or WebSocketException or OperationCanceledException)
        {
            // Closed.
        }
    }

    private sealed class Held(Socket socket, Stream? stream) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            stream?.Dispose();
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
