using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SocketChat.Server.Storage;

namespace SocketChat.Bench;

// search: what a search costs. Messages of ten words from a 2,000-word vocabulary are stored through the server's
// MessageLog into SQLite, its words index is brought up to date (as the indexing service does beside the traffic;
// --no-index leaves it empty, so a search scans as it did before the index), then searches for two words (a rare
// pair) and for one common word are timed against reading a 20-message history page from the same store, in the
// same run.
internal static class SearchBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        var messages = options.Number("--messages", 100_000);
        var queries = options.Number("--queries", 200);
        var directory = Directory.CreateTempSubdirectory("socketchat-bench-");
        try
        {
            var random = new Random(7);
            var vocabulary = Enumerable.Range(0, 2_000).Select(n => $"w{n.ToString(CultureInfo.InvariantCulture)}").ToArray();
            var texts = Enumerable.Range(0, messages).Select(_ => string.Join(' ', Enumerable.Range(0, 10).Select(_ => vocabulary[random.Next(vocabulary.Length)]))).ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"search: {messages:N0} messages of 10 words (2,000-word vocabulary), {queries} queries; {Environment.ProcessorCount} cores, .NET {Environment.Version}"));

            var path = Path.Combine(directory.FullName, "messages.db");
            await StoreAsync(path, texts);
            using var store = new SqliteMessageStore(path);
            store.Open();
            if (!options.Flag("--no-index"))
            {
                var indexing = Stopwatch.StartNew();
                while (store.IndexNewMessages() == SqliteSearchIndex.Batch)
                {
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  indexed in the background: {messages / indexing.Elapsed.TotalSeconds:N0} messages/s"));
            }

            var rooms = Enumerable.Range(0, 10).Select(n => $"room{n}").ToArray();
            var history = await TimeAsync(queries, async _ => await store.RoomAsync("room3", 0, long.MaxValue, 20));
            var found = 0;
            var rare = await TimeAsync(queries, async n =>
            {
                var words = new[] { vocabulary[(n * 7) % vocabulary.Length], vocabulary[(n * 13 + 1) % vocabulary.Length] };
                found += (await store.SearchAsync(rooms, "nobody", words, long.MaxValue, 20)).Count;
            });
            var common = await TimeAsync(queries, async n => await store.SearchAsync(rooms, "nobody", [vocabulary[n % vocabulary.Length]], long.MaxValue, 20));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  a rare two-word search:  {rare / history:0.0}x a 20-message history page (median of {queries}; {found / (double)queries:0.0} found a query)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  a one-word search (20 newest of ~{messages * 10 / 2000:N0}):  {common / history:0.0}x a 20-message history page"));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    // Through the server's MessageLog, as its connections append.
    private static async Task StoreAsync(string path, string[] texts)
    {
        var bench = await BenchLog.StartAsync(path);
        var log = bench.Log;
        Task<Appended>? last = null;
        for (var n = 0; n < texts.Length; n++)
        {
            last = log.AppendAsync(new Draft(MessageKind.Room, $"room{n % 10}", "sender", null, texts[n]));
        }

        await log.WhenDeliveredAsync((await last!).Message.Id);
        await bench.DisposeAsync();
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
}
