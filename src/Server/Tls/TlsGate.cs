using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Tls;

// TLS and plaintext on one port: a TLS client speaks first with a handshake record (byte 0x16), which no chat
// line starts with, so the first byte decides. Plaintext is served only where the settings allow it.
internal sealed class TlsGate(CertificateStore certificates, IOptions<ChatOptions> options, ServerMetrics metrics, ILogger<TlsGate> logger)
{
    private const byte HandshakeRecord = 0x16;

    // A person with nc waits to be greeted; a TLS client sends its hello at once.
    private static readonly TimeSpan PlaintextSilence = TimeSpan.FromMilliseconds(150);

    private static readonly byte[] TlsRequiredLine = Encoding.UTF8.GetBytes(
        "! error: this server requires TLS; connect with a TLS client (SocketChat.Client --Chat:Tls:Enabled=true, openssl s_client, ncat --ssl)\n");

    private static readonly byte[] IrcTlsRequiredLine = Encoding.UTF8.GetBytes(
        "ERROR :Closing link: this port speaks IRC over TLS only; use the server's plaintext IRC port or turn TLS on in your client\r\n");

    public bool Enabled => certificates.Enabled;

    // The stream to talk over: the TLS stream after a handshake, the plain one where plaintext is allowed, or null
    // when the connection must close (plaintext refused, handshake failed or timed out), which is logged here.
    public async Task<Stream?> NegotiateAsync(Socket socket, NetworkStream network, IPAddress address, string remote, bool tlsOnly = false)
    {
        var tls = options.Value.Tls;
        var plaintextAllowed = !tlsOnly && !tls.PlaintextRefused && IPAddress.IsLoopback(address);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(tls.HandshakeTimeoutSeconds));
        try
        {
            var first = new byte[1];
            using var peeking = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            var peek = socket.ReceiveAsync(first, SocketFlags.Peek, peeking.Token).AsTask();
            if (plaintextAllowed && await Task.WhenAny(peek, Task.Delay(PlaintextSilence, deadline.Token)) != peek)
            {
                await peeking.CancelAsync();
                await ((Task)peek).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                return network;
            }

            if (await peek == 0)
            {
                return null;
            }

            if (first[0] != HandshakeRecord)
            {
                return plaintextAllowed ? network : RefusePlaintext(socket, remote, tlsOnly ? IrcTlsRequiredLine : TlsRequiredLine);
            }

            var secured = new SslStream(network, leaveInnerStreamOpen: true);
            try
            {
                await secured.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = certificates.Current,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        ClientCertificateRequired = false,
                        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    },
                    deadline.Token);
                return secured;
            }
            catch
            {
                await secured.DisposeAsync();
                throw;
            }
        }
        catch (OperationCanceledException)
        {
            return Failed(remote, "timed out");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException)
        {
            return Failed(remote, ex.InnerException?.Message ?? ex.Message);
        }
    }

    private Stream? RefusePlaintext(Socket socket, string remote, byte[] line)
    {
        // A new socket's send buffer is empty, so this small write does not block.
        socket.Send(line, SocketFlags.None, out _);
        metrics.TlsFailed();
        ServerLog.PlaintextRefused(logger, remote);
        return null;
    }

    private Stream? Failed(string remote, string reason)
    {
        metrics.TlsFailed();
        ServerLog.TlsHandshakeFailed(logger, remote, reason);
        return null;
    }
}
