using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Storage;

namespace SocketChat.Bench;

// The server's MessageLog over a SQLite store, started, with a reader that takes what was stored, in order, and moves
// the log on as the server's log reader does (without rooms), counting what it delivered.
internal sealed class BenchLog : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Task _reading;
    private long _delivered;

    private BenchLog(ServiceProvider services, MessageLog log)
    {
        _services = services;
        Log = log;
        _reading = Task.Run(async () =>
        {
            await foreach (var stored in log.Committed.ReadAllAsync())
            {
                log.Delivered(stored);
                Interlocked.Add(ref _delivered, stored.Count);
            }
        });
    }

    public MessageLog Log { get; }

    public long Delivered => Interlocked.Read(ref _delivered);

    public static async Task<BenchLog> StartAsync(string path)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var log = new MessageLog(
            new SqliteMessageStore(path),
            new StoreHealth(),
            TimeProvider.System,
            new ServerMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "bench"),
            Microsoft.Extensions.Options.Options.Create(new SocketChat.Server.Configuration.ChatOptions()),
            NullLogger<MessageLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        return new BenchLog(services, log);
    }

    // Stores what is left, then stops the reader.
    public async ValueTask DisposeAsync()
    {
        await Log.StopAsync(CancellationToken.None);
        await _reading;
        Log.Dispose();
        await _services.DisposeAsync();
    }
}
