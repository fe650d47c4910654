using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace SocketChat.Bench;

// join: how long a room change takes to be confirmed: one connection moves between two rooms J times (/join),
// each timed from the command sent to the server's "* NICK joined ROOM"; meanwhile B busy clients in the default
// room each send R lines a second, so the server's log is delivering as the joins arrive.
internal static class JoinBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        var joins = options.Number("--joins", 200);
        var busy = options.Number("--busy", 20);
        var rate = options.Number("--rate", 20);
        var latency = new LatencyRecorder();
        using var stop = new CancellationTokenSource();
        var talkers = new List<LineClient>();
        for (var n = 0; n < busy; n++)
        {
            talkers.Add(await LineClient.ConnectAsync(options.Server, (_, _, _, _) => { }));
        }

        var talking = talkers.Select((client, n) => Task.Run(() => TalkAsync(client, n, rate, stop.Token))).ToList();

        using var socket = new Socket(options.Server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(options.Server);
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var nick = $"joiner{Environment.ProcessId}";
        await SendAsync(stream, $"/nick {nick}\n");
        await ReadUntilAsync(reader, line => line.Contains(nick, StringComparison.Ordinal));
        for (var n = 0; n < joins; n++)
        {
            var room = n % 2 == 0 ? "benchjoina" : "benchjoinb";
            var sent = Stopwatch.GetTimestamp();
            await SendAsync(stream, $"/join {room}\n");
            await ReadUntilAsync(reader, line => line == $"* {nick} joined {room}");
            latency.Record(sent, Stopwatch.GetTimestamp());
        }

        await stop.CancelAsync();
        await Task.WhenAll(talking);
        foreach (var client in talkers)
        {
            await client.DisposeAsync();
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT join {options.Label} joins={joins} busy_lines_per_s={busy * rate} p50_ms={latency.Percentile(0.5):0.00} p90_ms={latency.Percentile(0.9):0.00} p99_ms={latency.Percentile(0.99):0.00} max_ms={latency.Percentile(1.0):0.00}"));
        return 0;
    }

    private static async Task TalkAsync(LineClient client, int talker, int rate, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
        var line = Encoding.UTF8.GetBytes($"busy {talker} {new string('x', 48)}\n");
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await client.SendAsync(line);
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private static Task SendAsync(NetworkStream stream, string line) => stream.WriteAsync(Encoding.UTF8.GetBytes(line)).AsTask();

    private static async Task ReadUntilAsync(StreamReader reader, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (match(line))
            {
                return;
            }
        }

        throw new IOException("the server closed the connection");
    }
}
