using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketChat.TestSupport;

/// <summary>A raw line client over a real loopback socket, like nc.</summary>
public sealed class TestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private TestClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    public static Task<TestClient> ConnectAsync(int port, int? receiveBufferSize = null) => ConnectAsync(IPAddress.Loopback, port, receiveBufferSize);

    public static async Task<TestClient> ConnectAsync(IPAddress address, int port, int? receiveBufferSize = null)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(new IPEndPoint(address, port)).WaitAsync(TestTimeouts.Default);
        return new TestClient(socket);
    }

    /// <summary>JSON mode: the resume token from the welcome.</summary>
    public string? Token { get; set; }

    public Task SendAsync(string line) => SendBytesAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes).AsTask().WaitAsync(TestTimeouts.Default);

    /// <summary>The next line; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync() => await _reader.ReadLineAsync().WaitAsync(TestTimeouts.Default);

    /// <summary>Reads lines until one matches, returning it; fails on close or timeout.</summary>
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

    /// <summary>Reads until the server closes, returning every line seen.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
    }
}
