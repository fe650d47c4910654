using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace SocketChat.Server.Connections;

/// <summary>How a connection ends so its last lines (a goodbye, an error saying why) reach the peer.</summary>
internal static class ConnectionClose
{
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Completes the pipes, sends TLS close_notify, then lingers; an aborted connection is just shut.</summary>
    public static async Task CloseAsync(Socket socket, PipeReader reader, PipeWriter writer, SslStream? secured, bool aborted)
    {
        try
        {
            await reader.CompleteAsync();
            await writer.CompleteAsync();
            if (aborted)
            {
                socket.Shutdown(SocketShutdown.Both);
                return;
            }

            if (secured is not null)
            {
                // TLS close_notify, so the peer knows the conversation ended and was not cut.
                using var closing = new CancellationTokenSource(LingerTimeout);
                await secured.ShutdownAsync().WaitAsync(closing.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is already gone; completing the writer tried to flush what it had left.
            return;
        }

        await LingerAsync(socket);
    }

    /// <summary>
    /// Lingering close: send FIN, then read and discard what the peer still sends for a moment. Closing with unread
    /// input makes the kernel send a reset, which can destroy our last lines before the peer has read them.
    /// </summary>
    public static async Task LingerAsync(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var linger = new CancellationTokenSource(LingerTimeout);
            var sink = new byte[4096];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, linger.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
            // The peer kept sending; close anyway.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is already gone.
        }
    }
}
