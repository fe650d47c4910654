using System.IO.Pipelines;

namespace SocketChat.Server.Transports;

// How a connection's lines travel: bytes on a socket, plain (SocketTransport) or TLS
// (TlsTransport), which the connection loop cuts into lines; or a browser's WebSocket
// (WebSocketTransport), where each message is one line already and each event one message. The loop
// reads Input and writes Output the same way for all of them.
internal abstract class Transport : IAsyncDisposable
{
    public abstract PipeReader Input { get; }

    public abstract PipeWriter Output { get; }

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
