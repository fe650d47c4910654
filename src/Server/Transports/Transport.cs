using System.IO.Pipelines;

namespace SocketChat.Server.Transports;

/// <summary>
/// How a connection's lines travel: bytes on a socket, plain (<see cref="SocketTransport"/>) or TLS
/// (<see cref="TlsTransport"/>), which the connection loop cuts into lines; or a browser's WebSocket
/// (<see cref="WebSocketTransport"/>), where each message is one line already and each event one message. The loop
/// reads <see cref="Input"/> and writes <see cref="Output"/> the same way for all of them.
/// </summary>
internal abstract class Transport : IAsyncDisposable
{
    public abstract PipeReader Input { get; }

    public abstract PipeWriter Output { get; }

    /// <summary>True when each read of <see cref="Input"/> is exactly one line (a message): no framing pass.</summary>
    public virtual bool Messages => false;

    /// <summary>Called after each event is written: a transport of messages ends one there.</summary>
    public virtual void EndOfMessage()
    {
    }

    /// <summary>
    /// Ends the connection so its last lines reach the peer (the pipes completed, a TLS close_notify or a WebSocket
    /// close, a lingering close); once <paramref name="aborted"/>, it is cut at once, discarding what is unsent.
    /// </summary>
    public abstract Task CloseAsync(CancellationToken aborted);

    public abstract ValueTask DisposeAsync();
}
