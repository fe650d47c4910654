using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Storage;

// Keeps a store's search index (ISearchIndexed) close behind what it stored, beside the traffic and never on its
// commit path; a store without one has nothing to keep. Indexing costs a few microseconds a message, so it yields to
// the traffic: while messages pour in (more than a batch a second) it takes one batch a second; otherwise it catches
// up using at most a quarter of a core, and then looks again four times a second. A search meanwhile scans what the
// index has not reached. A failure (a disk error) is logged and tried again at the next turn.
internal sealed class SearchIndexing(IMessageStore store, TimeProvider clock, ILogger<SearchIndexing> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan WhileBusy = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not ISearchIndexed indexed)
        {
            return;
        }

        var failures = new FailureRun(clock);
        var stored = store.LastId;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var read = 0;
                await Retrying.AttemptAsync("Indexing messages for search", failures, logger, () => Task.FromResult(read = indexed.IndexNewMessages()), stoppingToken);
                var took = Stopwatch.GetElapsedTime(started);
                var storedNow = store.LastId;
                var busy = storedNow - stored >= SqliteSearchIndex.Batch;
                stored = storedNow;
                await Task.Delay(read < SqliteSearchIndex.Batch ? Every : busy ? WhileBusy : took * 3, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
