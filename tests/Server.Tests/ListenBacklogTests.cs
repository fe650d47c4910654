using System.Diagnostics;
using System.Globalization;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class ListenBacklogTests
{
    // A crowd arriving while the accept loop is busy must not overflow the kernel's queue of pending connections: a
    // refused SYN waits a second to retry (10,000 connections filled at 1,800-4,000 a second with 512, 22,000 with 4096).
    // ss gives a listener's backlog as its Send-Q; the kernel caps it at net.core.somaxconn.
    [Fact]
    public async Task DefaultBacklog_IsTheKernelsLongQueue_NotAShortOne()
    {
        await using var server = await TestServer.StartAsync();
        var somaxconn = int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), CultureInfo.InvariantCulture);

        var listener = await SsAsync($"-ltnH sport = :{server.Port}");

        // State Recv-Q Send-Q Local-Address:Port Peer-Address:Port
        var columns = listener.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("LISTEN", columns[0]);
        Assert.Equal(Math.Min(4096, somaxconn), int.Parse(columns[2], CultureInfo.InvariantCulture));
    }

    private static async Task<string> SsAsync(string arguments)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await ss.StandardOutput.ReadToEndAsync().WaitAsync(TestTimeouts.Default);
        await ss.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        return output.Trim();
    }
}
