using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace SocketChat.Bench;

// attack: what expensive requests from one address do to everyone else. A pair of ordinary users measures a room
// line's round trip (sent by one, read by the other) while the room is quiet, then while --attackers connections
// from the same address send searches for two rare words (--kind search) or wrong /oper passwords (--kind oper) as
// fast as they are answered; prints the pair's median and worst round trip in each phase and what the attackers
// were answered. --fill N first stores N lines of ten words (a 2,000-word vocabulary) for the searches to read.
internal static class AttackBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        var kind = options.Text("--kind", "search");
        var attackers = options.Number("--attackers", 10);
        var seconds = options.Number("--seconds", 10);
        var fill = options.Number("--fill", 0);
        var server = options.Server;
        if (fill > 0)
        {
            await FillAsync(server, fill);
        }

        await using var sender = await TextConnection.OpenAsync(server, "pairsender");
        await using var receiver = await TextConnection.OpenAsync(server, "pairreceiver");
        await sender.SendAsync("/join attack");
        await receiver.SendAsync("/join attack");
        await receiver.ReadUntilAsync(line => line == "* pairsender joined attack" || line == "* pairreceiver joined attack");
        await sender.SendAsync("/ping");
        await sender.ReadUntilAsync(line => line.StartsWith("* pong", StringComparison.Ordinal));

        var quiet = await MeasureAsync(sender, receiver, TimeSpan.FromSeconds(seconds));
        using var stop = new CancellationTokenSource();
        var answers = new AttackAnswers();
        var attacking = Enumerable.Range(0, attackers).Select(n => AttackAsync(server, kind, n, answers, stop.Token)).ToList();
        var attacked = await MeasureAsync(sender, receiver, TimeSpan.FromSeconds(seconds));
        await stop.CancelAsync();
        await Task.WhenAll(attacking);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"attack {kind}: {attackers} connections from one address, {seconds} s each phase{(fill > 0 ? $", {fill:N0} messages stored" : string.Empty)}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  another user's round trip, quiet:     median {quiet.Median:0.0} ms, max {quiet.Max:0.0} ms ({quiet.Count} lines)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  another user's round trip, attacked:  median {attacked.Median:0.0} ms, max {attacked.Max:0.0} ms ({attacked.Count} lines)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  attackers answered {answers.Done / (double)seconds:0.0}/s: {answers.Summary}"));
        return 0;
    }

    // Stores count lines through one connection, then waits until they are delivered (its ping is answered after).
    private static async Task FillAsync(System.Net.IPEndPoint server, int count)
    {
        var random = new Random(7);
        var vocabulary = Enumerable.Range(0, 2_000).Select(n => $"w{n.ToString(CultureInfo.InvariantCulture)}").ToArray();
        await using var filler = await TextConnection.OpenAsync(server, "filler");
        await filler.SendAsync("/join stored");
        var batch = new StringBuilder();
        for (var n = 0; n < count; n++)
        {
            batch.Append(string.Join(' ', Enumerable.Range(0, 10).Select(_ => vocabulary[random.Next(vocabulary.Length)]))).Append('\n');
            if (batch.Length > 32_000 || n == count - 1)
            {
                await filler.SendRawAsync(batch.ToString());
                batch.Clear();
            }
        }

        await filler.SendAsync("/ping");
        await filler.ReadUntilAsync(line => line.StartsWith("* pong", StringComparison.Ordinal), TimeSpan.FromMinutes(10));
    }

    private static async Task AttackAsync(System.Net.IPEndPoint server, string kind, int n, AttackAnswers answers, CancellationToken stop)
    {
        await using var attacker = await TextConnection.OpenAsync(server, $"attacker{n.ToString(CultureInfo.InvariantCulture)}");
        if (kind == "search")
        {
            await attacker.SendAsync("/join stored");
        }

        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            string answer;
            try
            {
                if (kind == "search")
                {
                    await attacker.SendAsync(string.Create(CultureInfo.InvariantCulture, $"/search w{(i * 7 + n) % 2000} w{(i * 13 + n + 1) % 2000}"));
                    answer = await attacker.ReadUntilAsync(line => line.EndsWith('"') && line.Contains(" found for \"", StringComparison.Ordinal) || line.StartsWith("! error", StringComparison.Ordinal), TimeSpan.FromMinutes(2), stop);
                }
                else
                {
                    await attacker.SendAsync(string.Create(CultureInfo.InvariantCulture, $"/oper root wrong{i}"));
                    answer = await attacker.ReadUntilAsync(line => line.StartsWith("! error", StringComparison.Ordinal) || line.StartsWith("* you are now", StringComparison.Ordinal), TimeSpan.FromMinutes(2), stop);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            answers.Count(answer.StartsWith("! error: ", StringComparison.Ordinal) ? answer["! error: ".Length..] : "answered");
        }
    }

    private static async Task<(double Median, double Max, int Count)> MeasureAsync(TextConnection sender, TextConnection receiver, TimeSpan length)
    {
        var times = new List<double>();
        var until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        for (var n = 0; Stopwatch.GetTimestamp() < until; n++)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"rtt {n}");
            var clock = Stopwatch.StartNew();
            await sender.SendAsync(line);
            await receiver.ReadUntilAsync(received => received == $"pairsender: {line}", TimeSpan.FromMinutes(2));
            times.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(20);
        }

        times.Sort();
        return (times[times.Count / 2], times[^1], times.Count);
    }

    private sealed class AttackAnswers
    {
        private readonly Dictionary<string, int> _answers = new(StringComparer.Ordinal);

        public int Done { get; private set; }

        public void Count(string answer)
        {
            lock (_answers)
            {
                Done++;
                var kind = answer.StartsWith("too many", StringComparison.Ordinal) || answer.Contains("busy", StringComparison.Ordinal) ? answer : answer.Split(':')[0];
                _answers[kind] = _answers.GetValueOrDefault(kind) + 1;
            }
        }

        public string Summary
        {
            get
            {
                lock (_answers)
                {
                    return string.Join("; ", _answers.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Value} \"{pair.Key}\""));
                }
            }
        }
    }

    // A text (nc-like) connection that takes a nickname, reading lines as they come.
    private sealed class TextConnection : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly StreamReader _reader;

        private TextConnection(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _reader = new StreamReader(_stream, new UTF8Encoding(false));
        }

        public static async Task<TextConnection> OpenAsync(System.Net.IPEndPoint server, string nick)
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server);
            var connection = new TextConnection(socket);
            await connection.SendAsync($"/nick {nick}");
            await connection.ReadUntilAsync(line => line.EndsWith($"is now known as {nick}", StringComparison.Ordinal));
            return connection;
        }

        public Task SendAsync(string line) => SendRawAsync(line + "\n");

        public async Task SendRawAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

        public async Task<string> ReadUntilAsync(Func<string, bool> match, TimeSpan? limit = null, CancellationToken stop = default)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(limit ?? TimeSpan.FromSeconds(30));
            while (true)
            {
                var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("the server closed the connection");
                if (match(line))
                {
                    return line;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _reader.Dispose();
            await _stream.DisposeAsync();
            _socket.Dispose();
        }
    }
}
