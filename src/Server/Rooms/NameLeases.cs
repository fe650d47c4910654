using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Rooms;

/// <summary>
/// Cluster mode: renews, every third of a lease, the names this server's connections hold (and its parked
/// identities keep) and their rooms' memberships. A server that dies stops, and its names go within a lease.
/// </summary>
internal sealed class NameLeases(INameRegistry names, RoomDirectory directory, IOptions<ChatOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!names.Shared)
        {
            return;
        }

        using var timer = new PeriodicTimer(RedisNames.Lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task RenewAsync()
    {
        var node = options.Value.Node;
        var held = directory.Sessions
            .Where(session => session.Registered)
            .Select(session => (session.Nick, session.NameOwner(node), session.Rooms))
            .Concat(directory.Reserved()
                .Where(reserved => reserved.Identity.IsParked(clock.GetUtcNow()))
                .Select(reserved => (reserved.Nick, $"t:{reserved.Identity.Token}", Array.Empty<string>())))
            .ToList();
        try
        {
            await names.RenewAsync(held);
        }
        catch (StackExchange.Redis.RedisException)
        {
            // Redis is away: the next tick tries again (the log's health says so once).
        }
    }
}
