using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Rooms;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Cluster;

// Cluster mode: renews, every third of a lease, the names this server's connections hold (and its parked
// identities keep) and their rooms' memberships. A server that dies stops, and its names go within a lease.
// A renewal that fails (Redis away, stalled, timing out) is tried again at the next tick: a stalled Redis must
// never stop the node. Members of those rooms whose own server stopped renewing are taken out and the rooms told.
internal sealed class NameLeases(INameRegistry names, Users users, LogReader reader, IOptions<ChatOptions> options, TimeProvider clock, ILogger<NameLeases> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!names.Shared)
        {
            return;
        }

        var failures = new FailureRun(clock);
        using var timer = new PeriodicTimer(RedisNames.Lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await Retrying.AttemptAsync("Renewing this node's names and memberships", failures, logger, RenewAsync, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task RenewAsync()
    {
        var node = options.Value.Run;
        var held = users.Sessions
            .Where(session => session.Registered)
            .Select(session => (session.Nick, users.Owner(session), session.Rooms))
            .Concat(users.Reserved()
                .Where(reserved => reserved.Identity.IsParked(clock.GetUtcNow()))
                .Select(reserved => (reserved.Nick, $"t:{reserved.Identity.Token}", Array.Empty<string>())))
            .ToList();
        // Members whose server stopped renewing (killed, cut off): the rooms hear them leave, through the log, once.
        foreach (var (room, nick) in await names.RenewAsync(held))
        {
            if (users.FindByNick(nick) is null)
            {
                await reader.ChangeAsync(new Lapsed(room, nick, LapsedReason));
            }
        }
    }

    // What the rooms are told of a member whose server stopped renewing its lease.
    public const string LapsedReason = "its server stopped answering";
}
