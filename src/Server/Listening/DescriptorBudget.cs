using System.Globalization;
using SocketChat.Server.Configuration;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Listening;

// Every connection is a file descriptor, and a process out of them cannot accept, open its store or write its log.
// Checked once the listeners are bound: Chat:Limits:MaxConnections must fit in what the process may open
// (RLIMIT_NOFILE, which the runtime raises to its hard limit) beside what it holds already, with room to
// spare, so the connection limits refuse a connection before the kernel would.
internal static class DescriptorBudget
{
    // Descriptors kept free beyond what the server holds at start: store and log files, Redis, a burst of accepts.
    public const int Spare = 64;

    public static void Check(ChatOptions options)
    {
        if (Read() is not var (limit, open))
        {
            return;
        }

        var room = limit - open - Spare;
        var wanted = options.Limits.MaxConnections;
        if (wanted > room)
        {
            throw new StorageException(string.Create(CultureInfo.InvariantCulture,
                $"Chat:Limits:MaxConnections={wanted} is not allowed: this process may open {limit} files (RLIMIT_NOFILE) and holds {open}, room for {Math.Max(room, 0)} connections; raise the limit (LimitNOFILE= in the unit, ulimit -n) or lower the setting"));
        }
    }

    // Linux: the soft limit from /proc/self/limits and the descriptors open now; null elsewhere.
    private static (long Limit, int Open)? Read()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(line => line.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is [var soft, ..] && long.TryParse(soft, CultureInfo.InvariantCulture, out var limit)
                ? (limit, Directory.GetFileSystemEntries("/proc/self/fd").Length)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
