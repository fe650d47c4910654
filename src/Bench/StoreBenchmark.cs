using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SocketChat.Server.Storage;

namespace SocketChat.Bench;

// store: messages per second through the server's own store path (MessageLog: ids, group
// commit to SQLite with synchronous=FULL, delivery after commit), with senders that wait for their messages to be
// stored as the server's connections do; beside it, in the same run, the reference: one transaction per message.
internal static class StoreBenchmark
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var messages = Option(args, "--messages", 200_000);
        var senders = Option(args, "--senders", 50);
        var batch = Option(args, "--batch", 16);
        var directory = Directory.CreateTempSubdirectory("socketchat-bench-");
        try
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store: {messages:N0} messages of 64 bytes, {senders} senders each waiting for every {batch} to be stored; {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
            var reference = Reference(Path.Combine(directory.FullName, "reference.db"), Math.Min(messages, 5_000));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  reference, a transaction per message: {reference,12:N0} messages/s"));
            var ours = await GroupCommitAsync(Path.Combine(directory.FullName, "messages.db"), messages, senders, batch, privately: false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SocketChat MessageLog, group commit:  {ours,12:N0} messages/s ({ours / reference:0.0}x the reference)"));
            if (args.Contains("--private"))
            {
                // Private lines are indexed by sender and by recipient, for their conversations' history.
                var told = await GroupCommitAsync(Path.Combine(directory.FullName, "private.db"), messages, senders, batch, privately: true);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  the same, private messages:           {told,12:N0} messages/s ({told / ours:0.00}x room messages)"));
            }

            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static async Task<double> GroupCommitAsync(string path, int messages, int senders, int batch, bool privately)
    {
        var bench = await BenchLog.StartAsync(path);
        var log = bench.Log;
        var text = new string('x', 64);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            var room = $"room{sender % 10}";
            Task<Appended>? last = null;
            for (var n = 0; n < messages / senders; n++)
            {
                last = log.AppendAsync(privately
                    ? new Draft(MessageKind.Private, null, $"sender{sender}", $"sender{(sender + 1) % senders}", text, $"token{sender}", $"c{n}")
                    : new Draft(MessageKind.Room, room, $"sender{sender}", null, text, $"token{sender}", $"c{n}"));
                if (n % batch == batch - 1)
                {
                    await log.WhenDeliveredAsync((await last).Message.Id);
                }
            }

            if (last is not null)
            {
                await log.WhenDeliveredAsync((await last).Message.Id);
            }
        })));
        var elapsed = clock.Elapsed;
        await bench.DisposeAsync();
        return bench.Delivered / elapsed.TotalSeconds;
    }

    private static double Reference(string path, int messages)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE messages (id INTEGER PRIMARY KEY, ts INTEGER, room TEXT, sender TEXT, text TEXT)";
            setup.ExecuteNonQuery();
        }

        var text = new string('x', 64);
        var clock = Stopwatch.StartNew();
        for (var n = 0; n < messages; n++)
        {
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO messages (ts, room, sender, text) VALUES ($ts, 'room', 'sender', $text)";
            insert.Parameters.AddWithValue("$ts", n);
            insert.Parameters.AddWithValue("$text", text);
            insert.ExecuteNonQuery();
            transaction.Commit();
        }

        return messages / clock.Elapsed.TotalSeconds;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
