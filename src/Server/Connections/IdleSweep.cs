using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Connections;

// Pings connections idle for Chat:Limits:IdleTimeoutSeconds and closes those still silent after the grace period.
// One timer for all connections, a quarter of the shorter period apart (at most 5 s): a timer per connection, reset
// at every read, cost each idle connection about 600 bytes and each read a timer change.
internal sealed class IdleSweep(ConnectionTracker connections, IOptions<ChatOptions> options, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.Limits.IdleTimeoutSeconds);
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        var quarter = IdleWatch.GraceFor(timeout) / 4;
        using var timer = new PeriodicTimer(quarter < MaxInterval ? quarter : MaxInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var connection in connections.Connections)
                {
                    connection.CheckIdle();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
