using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Storage;

namespace SocketChat.Bench;

// search: what a search costs. Messages of ten words from a 2,000-word vocabulary are stored through the server's
// MessageLog into SQLite (no text index: a search reads newest first and matches), then searches for two words (a
// rare pair: each reads far back) and for one common word (found at once) are timed against reading a 20-message
// history page from the same store, in the same run.
internal static class SearchBenchmark
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var messages = Option(args, "--messages", 100_000);
        var queries = Option(args, "--queries", 200);
        var directory = Directory.CreateTempSubdirectory("socketchat-bench-");
        try
        {
            var random = new Random(7);
            var vocabulary = Enumerable.Range(0, 2_000).Select(n => $"w{n.ToString(CultureInfo.InvariantCulture)}").ToArray();
            var texts = Enumerable.Range(0, messages).Select(_ => string.Join(' ', Enumerable.Range(0, 10).Select(_ => vocabulary[random.Next(vocabulary.Length)]))).ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"search: {messages:N0} messages of 10 words (2,000-word vocabulary), {queries} queries; {Environment.ProcessorCount} cores, .NET {Environment.Version}"));

            var indexedPath = Path.Combine(directory.FullName, "messages.db");
            await StoreAsync(indexedPath, texts);
            using var store = new SqliteMessageStore(indexedPath);
            store.Open();
            var rooms = Enumerable.Range(0, 10).Select(n => $"room{n}").ToArray();
            var history = await TimeAsync(queries, async _ => await store.RoomAsync("room3", 0, long.MaxValue, 20));
            var found = 0;
            var rare = await TimeAsync(queries, async n =>
            {
                var words = new[] { vocabulary[(n * 7) % vocabulary.Length], vocabulary[(n * 13 + 1) % vocabulary.Length] };
                found += (await store.SearchAsync(rooms, "nobody", words, long.MaxValue, 20)).Count;
            });
            var common = await TimeAsync(queries, async n => await store.SearchAsync(rooms, "nobody", [vocabulary[n % vocabulary.Length]], long.MaxValue, 20));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  a rare two-word search (reads all {messages:N0}): {rare / history:0}x a 20-message history page (median of {queries}; {found / (double)queries:0.0} found a query)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  a one-word search (20 newest of ~{messages * 10 / 2000:N0}):  {common / history:0}x a 20-message history page"));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static async Task<double> StoreAsync(string path, string[] texts)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var log = new MessageLog(
            new SqliteMessageStore(path),
            new StoreHealth(),
            TimeProvider.System,
            new ServerMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "bench"),
            Microsoft.Extensions.Options.Options.Create(new SocketChat.Server.Configuration.ChatOptions()),
            NullLogger<MessageLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        var reading = Task.Run(async () =>
        {
            await foreach (var stored in log.Committed.ReadAllAsync())
            {
                log.Delivered(stored);
            }
        });
        var clock = Stopwatch.StartNew();
        Task<Appended>? last = null;
        for (var n = 0; n < texts.Length; n++)
        {
            last = log.AppendAsync(new Draft(MessageKind.Room, $"room{n % 10}", "sender", null, texts[n]));
        }

        await log.WhenDeliveredAsync((await last!).Message.Id);
        var elapsed = clock.Elapsed;
        await log.StopAsync(CancellationToken.None);
        await reading;
        await services.DisposeAsync();
        return texts.Length / elapsed.TotalSeconds;
    }

    // The median time of runs calls, in milliseconds.
    private static async Task<double> TimeAsync(int runs, Func<int, Task> call)
    {
        var times = new List<double>(runs);
        for (var n = 0; n < runs; n++)
        {
            var clock = Stopwatch.StartNew();
            await call(n);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[runs / 2];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
