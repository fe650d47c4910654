using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace SocketChat.Bench;

// conns: opens N idle connections and holds them; reports the connect rate and the server's memory per connection.
internal static class ConnectionBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        var count = options.Number("--count", 10_000);
        var pid = options.Number("--pid", 0);
        var before = ResidentBytes(pid);
        var transport = options.Transport;
        var sockets = new List<IAsyncDisposable>(count);
        var started = Stopwatch.GetTimestamp();
        var failed = 0;
        // 64 connects in flight at a time, like a crowd arriving, not a single queue.
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var socket = await LineClient.HoldAsync(options.Server, transport);
                lock (sockets)
                {
                    sockets.Add(socket);
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or System.Net.WebSockets.WebSocketException or System.Security.Authentication.AuthenticationException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                gate.Release();
            }
        }));
        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // Let the server greet everyone and settle, then measure.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = ResidentBytes(pid);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT conns {options.Label} connections={sockets.Count} failed={failed} connects_per_s={sockets.Count / connectSeconds:0} rss_before_kib={before / 1024} rss_after_kib={after / 1024} kib_per_connection={(after - before) / 1024.0 / Math.Max(1, sockets.Count):0.00}"));
        // --hold S keeps them open a while longer, to look at the server with dotnet-counters or dotnet-gcdump.
        await Task.Delay(TimeSpan.FromSeconds(options.Number("--hold", 0)));
        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }

        return 0;
    }

    // VmRSS from /proc: what the kernel holds in memory for the process.
    private static long ResidentBytes(int pid)
    {
        if (pid == 0)
        {
            return 0;
        }

        var line = File.ReadLines($"/proc/{pid}/status").First(text => text.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
