using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketChat.TestSupport;

// A raw line client over a real loopback socket, like nc.
public sealed class TestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly StreamReader _reader;

    private TestClient(Socket socket, Stream? stream = null)
    {
        _socket = socket;
        _stream = stream ?? new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    // The certificate the server presented (TLS connections).
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificate =>
        (_stream as System.Net.Security.SslStream)?.RemoteCertificate as System.Security.Cryptography.X509Certificates.X509Certificate2;

    // Connects over TLS, trusting exactly trusted; the handshake's failure is thrown.
    public static async Task<TestClient> ConnectTlsAsync(int port, System.Security.Cryptography.X509Certificates.X509Certificate2 trusted)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Default);
        var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: true));
        var options = new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
            {
                TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
                RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                CustomTrustStore = { trusted },
            },
        };
        await tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Default);
        return new TestClient(socket, tls);
    }

    public static Task<TestClient> ConnectAsync(int port, int? receiveBufferSize = null) => ConnectAsync(IPAddress.Loopback, port, receiveBufferSize);

    // From another loopback address (127.0.0.80), as a client elsewhere would be seen.
    public static Task<TestClient> ConnectFromAsync(IPAddress from, int port) => ConnectAsync(IPAddress.Loopback, port, from: from);

    public static async Task<TestClient> ConnectAsync(IPAddress address, int port, int? receiveBufferSize = null, IPAddress? from = null)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        // Another loopback address of this machine's (127.0.0.80): the server sees a client of its own address.
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(new IPEndPoint(address, port)).WaitAsync(TestTimeouts.Default);
        return new TestClient(socket);
    }

    // This side's port: the one a server behind a load balancer should see in its PROXY header.
    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    // JSON mode: the resume token from the welcome.
    public string? Token { get; set; }

    public Task SendAsync(string line) => SendBytesAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes).AsTask().WaitAsync(TestTimeouts.Default);

    // The next line; null when the server closed the connection.
    public async Task<string?> ReadLineAsync() => await _reader.ReadLineAsync().WaitAsync(TestTimeouts.Default);

    // The next line, waiting up to limit (for what the server does on a timer of its own).
    public async Task<string?> ReadLineAsync(TimeSpan limit) => await _reader.ReadLineAsync().WaitAsync(limit);

    // The next count lines; fails if the server closes first.
    public async Task<string[]> ReadLinesAsync(int count)
    {
        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = await ReadLineAsync() ?? throw new InvalidOperationException($"connection closed after {i} of {count} lines");
        }

        return lines;
    }

    // Reads lines until one matches, returning it; fails on close or timeout.
    public async Task<string> ExpectAsync(Func<string, bool> match)
    {
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new InvalidOperationException("connection closed before the expected line");
            if (match(line))
            {
                return line;
            }
        }
    }

    // Reads until the server closes, returning every line seen.
    public async Task<List<string>> ReadToEndAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    // Reads and discards whatever arrives until the server closes or resets the connection; fails on timeout.
    public async Task DrainUntilClosedAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var sink = new byte[64 * 1024];
        try
        {
            while (await _stream.ReadAsync(sink, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset: the server aborted the connection.
        }
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
    }
}
