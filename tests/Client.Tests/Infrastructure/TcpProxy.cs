using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Infrastructure;

// A loopback TCP proxy whose connections the test can cut, as a pulled network cable would.
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly int _target;
    private readonly ConcurrentDictionary<int, (Socket Client, Socket Server, Task Pumping)> _pairs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _nextPair;

    public TcpProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public int Connections { get; private set; }

    // Closes every connection through the proxy at once.
    public async Task CutAllAsync()
    {
        foreach (var (id, pair) in _pairs)
        {
            pair.Client.Dispose();
            pair.Server.Dispose();
            await pair.Pumping.WaitAsync(TestTimeouts.Default);
            _pairs.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _accepting.WaitAsync(TestTimeouts.Default);
        await CutAllAsync();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _target));
            Connections++;
            var pumping = Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
            _pairs[Interlocked.Increment(ref _nextPair)] = (client, server, pumping);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Cut: the other direction is closed by the test too.
            from.Dispose();
            to.Dispose();
        }
    }
}
