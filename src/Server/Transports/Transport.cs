using System.Buffers;
using System.IO.Pipelines;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Transports;

// How a connection's lines travel: bytes on a socket, plain (SocketTransport) or TLS
// (TlsTransport), which the connection loop cuts into lines; or a browser's WebSocket
// (WebSocketTransport), where each message is one line already and each event one message. The loop
// reads Input and writes Output the same way for all of them.
internal abstract class Transport : IAsyncDisposable
{
    public abstract PipeReader Input { get; }

    public abstract PipeWriter Output { get; }

    // Output as the protocols write events to it: shared bytes are copied in, unless the transport sends them as
    // they are (the plain socket's).
    public virtual IEventOutput Events => _events ??= new CopyingOutput(Output);

    private CopyingOutput? _events;

    private sealed class CopyingOutput(PipeWriter output) : IEventOutput
    {
        public void Share(ReadOnlyMemory<byte> bytes) => output.Write(bytes.Span);

        public void Advance(int count) => output.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => output.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => output.GetSpan(sizeHint);
    }

    // Completes when Input has something to read (or has ended), holding nothing while it waits: a plain socket's
    // zero-byte receive. The connection loop waits here, outside its log scope, so an idle connection keeps neither
    // a read in flight nor a buffer; a transport with pipes of its own waits in Input.ReadAsync instead.
    public virtual ValueTask<int> WaitForInputAsync(CancellationToken cancellationToken) => default;

    // Completes when the peer first sends something (or closes): the greeting waits for it a moment. Here the first
    // read, left unexamined so the next ReadAsync returns it at once; a plain socket waits without reading.
    public virtual async Task FirstInputAsync(CancellationToken cancellationToken)
    {
        var result = await Input.ReadAsync(cancellationToken);
        Input.AdvanceTo(result.Buffer.Start);
    }

    // True when each read of Input is exactly one line (a message): no framing pass.
    public virtual bool Messages => false;

    // Called after each event is written: a transport of messages ends one there.
    public virtual void EndOfMessage()
    {
    }

    // Ends the connection so its last lines reach the peer (the pipes completed, a TLS close_notify or a WebSocket
    // close, a lingering close); once aborted, it is cut at once, discarding what is unsent.
    public abstract Task CloseAsync(CancellationToken aborted);

    public abstract ValueTask DisposeAsync();
}
