using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Sessions;
using SocketChat.TestSupport;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Tests.Core;

// One client's outbound queue alone: no host, no socket.
public sealed class OutboundQueueTests
{
    [Fact]
    public void TryEnqueue_PastTheMessageLimit_Full_NothingLost_OrderKept()
    {
        var queue = new OutboundQueue(maxMessages: 3, maxBytes: 1 << 20);

        Assert.Equal([EnqueueResult.Queued, EnqueueResult.Queued, EnqueueResult.Queued, EnqueueResult.Full],
            Enumerable.Range(0, 4).Select(n => queue.TryEnqueueText(Line($"m{n}"), live: true)));

        Assert.Equal(["m0", "m1", "m2"], Drain(queue));
    }

    [Fact]
    public void TryEnqueue_PastTheByteLimit_Full()
    {
        var queue = new OutboundQueue(maxMessages: 100, maxBytes: 20);

        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueueText(Line("0123456789"), live: true));
        Assert.Equal(EnqueueResult.Full, queue.TryEnqueueText(Line("0123456789"), live: true));
    }

    [Fact]
    public async Task Congested_PastHalf_WhenDrained_CompletesAtAQuarter()
    {
        var queue = new OutboundQueue(maxMessages: 8, maxBytes: 1 << 20);
        for (var n = 0; n < 5; n++)
        {
            queue.TryEnqueueText(Line($"m{n}"), live: true);
        }

        Assert.True(queue.IsCongested);
        var drained = queue.WhenDrainedAsync();
        Assert.False(drained.IsCompleted);

        // 5 queued: down to 3 is not yet a quarter (2); down to 2 is.
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryDequeue(out _));
        Assert.False(drained.IsCompleted);
        Assert.True(queue.TryDequeue(out _));
        await drained.WaitAsync(TestTimeouts.Default);
        Assert.False(queue.IsCongested);
    }

    [Fact]
    public void Hold_LiveEventsWaitBehindWhatIsSentMeanwhile_ReleaseKeepsTheirOrder()
    {
        var queue = new OutboundQueue(maxMessages: 100, maxBytes: 1 << 20);

        queue.Hold();
        queue.TryEnqueueText(Line("live 1"), live: true);
        queue.TryEnqueueText(Line("history"), live: false);
        queue.TryEnqueueText(Line("live 2"), live: true);
        queue.Release();

        Assert.Equal(["history", "live 1", "live 2"], Drain(queue));
    }

    [Fact]
    public async Task WaitToRead_WokenByAnEnqueue_CompletedAndEmptyEndsIt_AbortDropsWhatIsLeft()
    {
        var queue = new OutboundQueue(maxMessages: 100, maxBytes: 1 << 20);
        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);

        queue.TryEnqueueText(Line("wake"), live: true);

        Assert.True(await waiting.WaitAsync(TestTimeouts.Default));
        Assert.Equal(["wake"], Drain(queue));
        queue.Complete();
        Assert.False(await queue.WaitToReadAsync());
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueueText(Line("late"), live: true));

        var aborted = new OutboundQueue(maxMessages: 100, maxBytes: 1 << 20);
        aborted.TryEnqueueText(Line("never sent"), live: true);
        aborted.Abort();
        Assert.False(await aborted.WaitToReadAsync());
    }

    private static EncodedEvent Line(string text) => new(new InfoEvent(text));

    private static List<string> Drain(OutboundQueue queue)
    {
        var lines = new List<string>();
        while (queue.TryDequeue(out var message))
        {
            lines.Add(((InfoEvent)message.Event).Text);
        }

        return lines;
    }
}

internal static class TextQueueing
{
    // Queues an event as a text-mode connection's session does: counted at its text bytes.
    public static EnqueueResult TryEnqueueText(this OutboundQueue queue, EncodedEvent message, bool live) =>
        queue.TryEnqueue(message, message.For(WireMode.Text).Length, live);
}
