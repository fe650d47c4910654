using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Connections;

// When a client's messages filled a recipient's queue past half, its reading stops (TCP then slows it down) until
// the recipient drains. A recipient gets the grace period once, counted from when its queue first congested, however
// many senders or holds it causes: past it, it is marked lagging and no longer waited for, and if its queue then
// fills it is dropped as a slow consumer.
internal sealed class Backpressure(TimeSpan slowClientGrace, TimeProvider clock)
{
    public async Task HoldBackAsync(ChatSession session, CancellationToken cancellationToken)
    {
        if (session.TakeCongestion() is not { } congested || slowClientGrace <= TimeSpan.Zero)
        {
            return;
        }

        await Task.WhenAll(congested.Where(queue => !queue.Lagging).Select(queue => WaitForAsync(queue, cancellationToken)));
    }

    private async Task WaitForAsync(OutboundQueue recipient, CancellationToken cancellationToken)
    {
        var left = slowClientGrace - clock.GetElapsedTime(recipient.CongestedSince(clock.GetTimestamp()));
        if (left > TimeSpan.Zero)
        {
            try
            {
                await recipient.WhenDrainedAsync().WaitAsync(left, clock, cancellationToken);
                return;
            }
            catch (TimeoutException)
            {
                // Its grace is over.
            }
        }

        if (recipient.IsCongested)
        {
            recipient.Lagging = true;
        }
    }
}
