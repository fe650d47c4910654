using System.IO.Pipelines;
using System.Net.Sockets;

namespace SocketChat.Server.Transports;

// A plain TCP socket. Its reads wait for data before taking a buffer (zero-byte reads), so an idle connection holds
// none; a buffer is rented for a flush only, and a backlog goes out in 64 KiB writes. This is where a leaner
// socket loop (receiving straight from the socket) would go: nothing above it would change.
internal class SocketTransport : Transport
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 64 * 1024, leaveOpen: true);

    private readonly Stream _stream;

    public SocketTransport(Socket socket, NetworkStream network)
        : this(socket, network, network)
    {
    }

    protected SocketTransport(Socket socket, NetworkStream network, Stream stream)
    {
        Socket = socket;
        Network = network;
        _stream = stream;
        Input = PipeReader.Create(stream, ReaderOptions);
        Output = PipeWriter.Create(stream, WriterOptions);
    }

    protected Socket Socket { get; }

    protected NetworkStream Network { get; }

    public override PipeReader Input { get; }

    public override PipeWriter Output { get; }

    public override Task CloseAsync(CancellationToken aborted) => ConnectionClose.CloseAsync(Socket, Input, Output, _stream as System.Net.Security.SslStream, aborted);

    public override async ValueTask DisposeAsync()
    {
        if (!ReferenceEquals(_stream, Network))
        {
            await _stream.DisposeAsync();
        }

        await Network.DisposeAsync();
    }
}

// A TCP socket after a TLS handshake: the same pipes over the TLS stream; closing sends close_notify.
internal sealed class TlsTransport(Socket socket, NetworkStream network, System.Net.Security.SslStream secured)
    : SocketTransport(socket, network, secured);
