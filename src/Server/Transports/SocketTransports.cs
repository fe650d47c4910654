using System.Net;
using System.Net.Sockets;
using SocketChat.Server.Tls;

namespace SocketChat.Server.Transports;

// Makes an accepted socket a transport: as it is, or after a TLS handshake on a port that takes TLS.
internal static class SocketTransports
{
    // The transport to talk over, or null when the connection must close (plaintext refused, the handshake failed or
    // timed out: logged by the gate), in which case it has been closed here, lingering so the refusal is read.
    public static async Task<Transport?> OpenAsync(Socket socket, TlsGate? tls, bool tlsOnly, IPAddress address, string remote, CancellationToken aborted)
    {
        if (tls is null)
        {
            return new SocketTransport(socket);
        }

        // The TLS stream's; a plaintext connection on the port is read and written on the socket alone.
        var network = new NetworkStream(socket, ownsSocket: true);

        switch (await tls.NegotiateAsync(socket, network, address, remote, tlsOnly))
        {
            case System.Net.Security.SslStream secured:
                return new TlsTransport(socket, network, secured);
            case null:
                await ConnectionClose.LingerAsync(socket, aborted);
                await network.DisposeAsync();
                return null;
            default:
                return new SocketTransport(socket);
        }
    }
}
