using System.Diagnostics;
using System.Globalization;

namespace SocketChat.Bench;

/// <summary>
/// The chat workloads, against any line-based chat server in plain-text mode. Each prints one result line:
/// <c>RESULT mode label key=value …</c>, which bench/compare.sh turns into its table.
/// </summary>
internal static class ChatBenchmarks
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    /// <summary>fanout: C clients in one room each send M lines of S bytes as fast as they can.</summary>
    public static async Task<int> FanoutAsync(BenchOptions options, TextWriter output)
    {
        var clients = options.Number("--clients", 50);
        var lines = options.Number("--lines", 1000);
        var size = options.Number("--size", 64);
        var tally = new DeliveryTally(clients, lines);
        var latency = new LatencyRecorder();
        var connected = await ConnectAllAsync(options, clients, tally, latency);
        await Task.Delay(Settle);

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(connected.Select((client, sender) => Task.Run(async () =>
        {
            // 32 lines a write, each stamped when written: as fast as a client can, without a syscall per line.
            for (var sequence = 0; sequence < lines; sequence += 32)
            {
                var chunk = new List<byte>(32 * (size + 1));
                for (var n = sequence; n < Math.Min(lines, sequence + 32); n++)
                {
                    chunk.AddRange(Marker.Line(sender, n, Stopwatch.GetTimestamp(), size));
                }

                await client.SendAsync(chunk.ToArray());
            }
        })));
        await WaitForDeliveriesAsync(tally);
        var seconds = Stopwatch.GetElapsedTime(started, Math.Max(tally.LastTicks, started + 1)).TotalSeconds;
        await DisposeAllAsync(connected);

        Report(output, "fanout", options.Label, tally, latency, tally.Unique / seconds);
        return 0;
    }

    /// <summary>steady: C clients each send R lines a second, from a random phase, for T seconds.</summary>
    public static async Task<int> SteadyAsync(BenchOptions options, TextWriter output)
    {
        var clients = options.Number("--clients", 100);
        var rate = options.Number("--rate", 5);
        var seconds = options.Number("--seconds", 20);
        var size = options.Number("--size", 64);
        var lines = rate * seconds;
        var tally = new DeliveryTally(clients, lines);
        var latency = new LatencyRecorder();
        var connected = await ConnectAllAsync(options, clients, tally, latency);
        await Task.Delay(Settle);

        var started = Stopwatch.GetTimestamp();
        var period = TimeSpan.FromSeconds(1.0 / rate);
        await Task.WhenAll(connected.Select((client, sender) => Task.Run(async () =>
        {
            await Task.Delay(period * Random.Shared.NextDouble());
            using var timer = new PeriodicTimer(period);
            for (var sequence = 0; sequence < lines; sequence++)
            {
                await client.SendAsync(Marker.Line(sender, sequence, Stopwatch.GetTimestamp(), size));
                await timer.WaitForNextTickAsync();
            }
        })));
        await WaitForDeliveriesAsync(tally);
        var elapsed = Stopwatch.GetElapsedTime(started, Math.Max(tally.LastTicks, started + 1)).TotalSeconds;
        await DisposeAllAsync(connected);

        Report(output, "steady", options.Label, tally, latency, tally.Unique / elapsed);
        return 0;
    }

    private static async Task<LineClient[]> ConnectAllAsync(BenchOptions options, int clients, DeliveryTally tally, LatencyRecorder latency)
    {
        var connected = new LineClient[clients];
        var since = Stopwatch.GetTimestamp();
        for (var receiver = 0; receiver < clients; receiver++)
        {
            var me = receiver;
            connected[receiver] = await LineClient.ConnectAsync(options.Server, (sender, sequence, sent, received) =>
            {
                // Stamped before this run (a server's history of an earlier run, shown on joining): not this workload.
                if (sent < since)
                {
                    return;
                }

                tally.Record(me, sender, sequence, received);
                latency.Record(sent, received);
            });
        }

        return connected;
    }

    // Until every line has arrived, or nothing has for a while (the rest are lost).
    private static async Task WaitForDeliveriesAsync(DeliveryTally tally)
    {
        var last = -1L;
        var quietSince = Stopwatch.GetTimestamp();
        while (tally.Unique < tally.Expected)
        {
            await Task.Delay(50);
            var now = tally.Unique + tally.Duplicates + tally.Mangled;
            if (now != last)
            {
                last = now;
                quietSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(quietSince) > Quiet)
            {
                return;
            }
        }
    }

    private static async Task DisposeAllAsync(IEnumerable<LineClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static void Report(TextWriter output, string mode, string label, DeliveryTally tally, LatencyRecorder latency, double perSecond)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {mode} {label} deliveries_per_s={perSecond:0} delivered={tally.Unique} expected={tally.Expected} lost={tally.Expected - tally.Unique} duplicated={tally.Duplicates} mangled={tally.Mangled} p50_ms={latency.Percentile(0.5):0.00} p90_ms={latency.Percentile(0.9):0.00} p99_ms={latency.Percentile(0.99):0.00} max_ms={latency.Percentile(1.0):0.00}"));
    }
}
