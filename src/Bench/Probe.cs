using System.Net.Sockets;

namespace SocketChat.Bench;

// probe: exit 0 once something accepts connections on the port (for scripts waiting on a server).
internal static class Probe
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        using var socket = new Socket(options.Server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(options.Server).WaitAsync(TimeSpan.FromSeconds(1));
            return 0;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return 1;
        }
    }
}
