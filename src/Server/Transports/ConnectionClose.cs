using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace SocketChat.Server.Transports;

// How a connection ends so its last lines (a goodbye, an error saying why) reach the peer.
internal static class ConnectionClose
{
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    // Completes the pipes, sends TLS close_notify, then lingers; an aborted connection is reset at once. An abort
    // that comes while it lingers (the server's shutdown grace ran out) ends the lingering.
    public static async Task CloseAsync(Socket socket, PipeReader reader, PipeWriter writer, SslStream? secured, CancellationToken aborted)
    {
        try
        {
            await reader.CompleteAsync();
            if (aborted.IsCancellationRequested)
            {
                // Completing the writer normally would first write what it still holds, and to a peer that does not
                // read that waits for ever. An aborted connection discards it and resets: nothing lingers in the kernel.
                await writer.CompleteAsync(new IOException("connection aborted"));
                Reset(socket);
                return;
            }

            await writer.CompleteAsync();
            if (secured is not null)
            {
                // TLS close_notify, so the peer knows the conversation ended and was not cut.
                using var closing = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                closing.CancelAfter(LingerTimeout);
                await secured.ShutdownAsync().WaitAsync(closing.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is already gone, or the connection was aborted meanwhile.
            return;
        }

        await LingerAsync(socket, aborted);
    }

    // Lingering close: send FIN, then read and discard what the peer still sends for a moment. Closing with unread
    // input makes the kernel send a reset, which can destroy our last lines before the peer has read them.
    public static async Task LingerAsync(Socket socket, CancellationToken aborted)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            linger.CancelAfter(LingerTimeout);
            var sink = new byte[4096];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, linger.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
            // The peer kept sending, or the server stopped waiting; close anyway.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is already gone.
        }
    }

    // A zero linger time makes closing the socket send a reset and drop whatever the kernel still holds for the peer.
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(enable: true, seconds: 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
