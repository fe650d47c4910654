using Microsoft.Extensions.Hosting;
using SocketChat.Protocol.Events;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Rooms;

// Tells everyone connected, once, when the store starts failing (messages then wait, unacknowledged and
// undelivered, until it works) and again when it recovers, so a silent room is not mistaken for a quiet one.
internal sealed class StoreNotices(StoreHealth health, RoomFanout fanout) : BackgroundService
{
    public static readonly NoticeEvent Delayed = new("store_failing", "messages are delayed: the server cannot store them right now");

    public static readonly NoticeEvent Recovered = new("store_recovered", "messages are no longer delayed: the server can store them again");

    public static readonly NoticeEvent Lost = new("store_lost", "the server's store lost its recent data: the last messages sent before now may be gone, and history has a gap");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in health.Changes.ReadAllAsync(stoppingToken))
            {
                fanout.NotifyEveryone(change switch { StoreChange.Failing => Delayed, StoreChange.Recovered => Recovered, _ => Lost });
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, or a start that failed: not a failure of its own.
        }
    }
}
