using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Storage;

// Keeps a store's search index (ISearchIndexed) at most a quarter of a second behind what it stored, beside the
// traffic and never on its commit path; a store without one has nothing to keep. A failure (a disk error) is logged
// and tried again at the next tick: meanwhile a search scans what the index has not reached.
internal sealed class SearchIndexing(IMessageStore store, TimeProvider clock, ILogger<SearchIndexing> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not ISearchIndexed indexed)
        {
            return;
        }

        var failures = new FailureRun(clock);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var read = 0;
                await Retrying.AttemptAsync("Indexing messages for search", failures, logger, () => Task.FromResult(read = indexed.IndexNewMessages()), stoppingToken);
                if (read < SqliteSearchIndex.Batch)
                {
                    await Task.Delay(Every, clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
