using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace SocketChat.Bench;

// The chat workloads, against any line-based chat server in plain-text mode. Each prints one result line:
// RESULT mode label key=value …, which bench/compare.sh turns into its table.
internal static class ChatBenchmarks
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    // fanout: C clients in one room each send M lines of S bytes as fast as they can.
    public static async Task<int> FanoutAsync(BenchOptions options, TextWriter output)
    {
        var clients = options.Number("--clients", 50);
        var lines = options.Number("--lines", 1000);
        var size = options.Number("--size", 64);
        var tally = DeliveryTally.Everyone(clients, lines);
        var latency = new LatencyRecorder();
        var connected = await ConnectAllAsync(options, clients, tally, latency);
        await Task.Delay(Settle);

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(connected.Select((client, sender) => Task.Run(() => SendBurstAsync(client, sender, lines, size))));
        await WaitForDeliveriesAsync(tally);
        var seconds = Stopwatch.GetElapsedTime(started, Math.Max(tally.LastTicks, started + 1)).TotalSeconds;
        await DisposeAllAsync(connected);

        Report(output, "fanout", options.Label, tally, latency, tally.Unique / seconds);
        return 0;
    }

    // steady: C clients each send R lines a second, from a random phase, for T seconds.
    public static async Task<int> SteadyAsync(BenchOptions options, TextWriter output)
    {
        var clients = options.Number("--clients", 100);
        var rate = options.Number("--rate", 5);
        var seconds = options.Number("--seconds", 20);
        var size = options.Number("--size", 64);
        var lines = rate * seconds;
        var tally = DeliveryTally.Everyone(clients, lines);
        var latency = new LatencyRecorder();
        var connected = await ConnectAllAsync(options, clients, tally, latency);
        await Task.Delay(Settle);

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(connected.Select((client, sender) => Task.Run(() => SendSteadilyAsync(client, sender, rate, lines, size))));
        await WaitForDeliveriesAsync(tally);
        var elapsed = Stopwatch.GetElapsedTime(started, Math.Max(tally.LastTicks, started + 1)).TotalSeconds;
        await DisposeAllAsync(connected);

        Report(output, "steady", options.Label, tally, latency, tally.Unique / elapsed);
        return 0;
    }

    // split: S senders on one server and R receivers spread over others (a cluster's nodes), all in one room; the
    // receivers send nothing and each expects every sender's lines. As fast as the senders can (fanout), or with
    // --rate, R lines a second each for --seconds (steady). Given the same port for both, it is the single-server
    // reference for the same workload.
    public static async Task<int> SplitAsync(BenchOptions options, TextWriter output)
    {
        var senders = options.Number("--senders", 10);
        var receivers = options.Number("--receivers", 40);
        var size = options.Number("--size", 64);
        var rate = options.Number("--rate", 0);
        var lines = rate > 0 ? rate * options.Number("--seconds", 20) : options.Number("--lines", 2000);
        var receiverServers = options.Servers("--receiver-ports");
        var tally = DeliveryTally.Split(receivers, senders, lines);
        var latency = new LatencyRecorder();
        var listening = await ConnectAllAsync(receivers, receiver => receiverServers[receiver % receiverServers.Count], tally, latency);
        var sending = new LineClient[senders];
        for (var sender = 0; sender < senders; sender++)
        {
            sending[sender] = await LineClient.ConnectAsync(options.Server, (_, _, _, _) => { });
        }

        await Task.Delay(Settle);

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(sending.Select((client, sender) => Task.Run(() =>
            rate > 0 ? SendSteadilyAsync(client, sender, rate, lines, size) : SendBurstAsync(client, sender, lines, size))));
        await WaitForDeliveriesAsync(tally);
        var seconds = Stopwatch.GetElapsedTime(started, Math.Max(tally.LastTicks, started + 1)).TotalSeconds;
        await DisposeAllAsync(sending.Concat(listening));

        Report(output, rate > 0 ? "split-steady" : "split-fanout", options.Label, tally, latency, tally.Unique / seconds);
        return 0;
    }

    // 32 lines a write, each stamped when written: as fast as a client can, without a syscall per line.
    private static async Task SendBurstAsync(LineClient client, int sender, int lines, int size)
    {
        for (var sequence = 0; sequence < lines; sequence += 32)
        {
            var chunk = new List<byte>(32 * (size + 1));
            for (var n = sequence; n < Math.Min(lines, sequence + 32); n++)
            {
                chunk.AddRange(Marker.Line(sender, n, Stopwatch.GetTimestamp(), size));
            }

            await client.SendAsync(chunk.ToArray());
        }
    }

    // One line every 1/rate seconds, from a random phase.
    private static async Task SendSteadilyAsync(LineClient client, int sender, int rate, int lines, int size)
    {
        var period = TimeSpan.FromSeconds(1.0 / rate);
        await Task.Delay(period * Random.Shared.NextDouble());
        using var timer = new PeriodicTimer(period);
        for (var sequence = 0; sequence < lines; sequence++)
        {
            await client.SendAsync(Marker.Line(sender, sequence, Stopwatch.GetTimestamp(), size));
            await timer.WaitForNextTickAsync();
        }
    }

    private static Task<LineClient[]> ConnectAllAsync(BenchOptions options, int clients, DeliveryTally tally, LatencyRecorder latency) =>
        ConnectAllAsync(clients, _ => options.Server, tally, latency, options.Transport);

    private static async Task<LineClient[]> ConnectAllAsync(int clients, Func<int, IPEndPoint> server, DeliveryTally tally, LatencyRecorder latency, BenchTransport transport = BenchTransport.Tcp)
    {
        var connected = new LineClient[clients];
        var since = Stopwatch.GetTimestamp();
        for (var receiver = 0; receiver < clients; receiver++)
        {
            var me = receiver;
            connected[receiver] = await LineClient.ConnectAsync(server(receiver), (sender, sequence, sent, received) =>
            {
                // Stamped before this run (a server's history of an earlier run, shown on joining): not this workload.
                if (sent < since)
                {
                    return;
                }

                tally.Record(me, sender, sequence, received);
                latency.Record(sent, received);
            }, transport);
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
            $"RESULT {mode} {label} deliveries_per_s={perSecond:0} delivered={tally.Unique} expected={tally.Expected} lost={tally.Expected - tally.Unique} duplicated={tally.Duplicates} reordered={tally.Reordered} mangled={tally.Mangled} p50_ms={latency.Percentile(0.5):0.00} p90_ms={latency.Percentile(0.9):0.00} p99_ms={latency.Percentile(0.99):0.00} max_ms={latency.Percentile(1.0):0.00}"));
    }
}
