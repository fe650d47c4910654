using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Storage;

// Deletes messages past Chat:History:RetentionDays or MaxMessagesPerRoom, in small batches beside the traffic.
internal sealed class RetentionService(MessageLog log, IOptions<ChatOptions> options, TimeProvider clock, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var history = options.Value.History;
        if (history.RetentionDays == 0 && history.MaxMessagesPerRoom == 0)
        {
            return;
        }

        // A store that fails (a disk error, Redis away or stalled) is tried again at the next tick.
        var failures = new FailureRun(clock);
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(history.PruneIntervalMinutes), clock);
        try
        {
            do
            {
                await Retrying.AttemptAsync("Pruning old messages", failures, logger, () => Task.FromResult(PruneOnce()), stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public int PruneOnce()
    {
        var history = options.Value.History;
        var removed = log.Store.Prune(
            history.RetentionDays > 0 ? clock.GetUtcNow().AddDays(-history.RetentionDays) : null,
            history.MaxMessagesPerRoom > 0 ? history.MaxMessagesPerRoom : null);
        if (removed > 0)
        {
            ServerLog.Pruned(logger, removed);
        }

        return removed;
    }
}
