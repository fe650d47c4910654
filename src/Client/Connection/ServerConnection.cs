using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using SocketChat.Protocol.Framing;
using SocketChat.Protocol.Text;

namespace SocketChat.Client.Connection;

// One TCP connection to the server: lines out, lines in, framed like the server frames them.
internal sealed class ServerConnection : IAsyncDisposable
{
    private const int MaxIncomingLineBytes = 1 << 20;
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly LineFramer _framer = new(MaxIncomingLineBytes);
    private readonly Queue<string> _lines = new();
    private readonly SemaphoreSlim _writing = new(1, 1);

    private ServerConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    // tls: speaks TLS through it when given, plaintext otherwise.
    public static async Task<ServerConnection> ConnectAsync(string host, int port, TlsConnector? tls, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // An IPv6 socket in dual mode reaches IPv4 and IPv6 servers alike.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(host, port, attempt.Token);
            var network = new NetworkStream(socket, ownsSocket: true);
            return new ServerConnection(socket, tls is null ? network : await tls.SecureAsync(network, attempt.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ConnectFailure("timed out");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ConnectFailure(Describe(ex), ex);
        }
        catch (IOException ex)
        {
            socket.Dispose();
            throw new ConnectFailure(ex.Message, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // The next line from the server; null when it closed the connection. Lines that are not UTF-8 are skipped.
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_lines.TryDequeue(out var queued))
            {
                return queued;
            }

            var result = await _reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (_framer.TryReadLine(ref buffer, out var line) is var status && status != FrameStatus.Incomplete)
            {
                if (status == FrameStatus.Line && Utf8Line.TryDecode(line, out var text))
                {
                    _lines.Enqueue(text);
                }
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted && _lines.Count == 0)
            {
                return null;
            }
        }
    }

    public async Task SendAsync(string line, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    // Breaks the connection at once, so a pending read ends.
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
        _writing.Dispose();
    }

    private static string Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "unknown host",
        SocketError.TimedOut => "timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
        _ => ex.Message,
    };
}
