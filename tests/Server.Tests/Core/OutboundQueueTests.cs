using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Connections;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Core;

/// <summary>One client's outbound queue alone: no host, no socket.</summary>
public sealed class OutboundQueueTests
{
    [Fact]
    public void TryEnqueue_PastTheMessageLimit_Full_NothingLost_OrderKept()
    {
        var queue = new OutboundQueue(maxMessages: 3, maxBytes: 1 << 20);

        Assert.Equal([EnqueueResult.Queued, EnqueueResult.Queued, EnqueueResult.Queued, EnqueueResult.Full],
            Enumerable.Range(0, 4).Select(n => queue.TryEnqueue(Line($"m{n}"), WireMode.Text, live: true)));

        Assert.Equal(["m0", "m1", "m2"], Drain(queue));
    }

    [Fact]
    public void TryEnqueue_PastTheByteLimit_Full()
    {
        var queue = new OutboundQueue(maxMessages: 100, maxBytes: 20);

        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(Line("0123456789"), WireMode.Text, live: true));
        Assert.Equal(EnqueueResult.Full, queue.TryEnqueue(Line("0123456789"), WireMode.Text, live: true));
    }

    [Fact]
    public async Task Congested_PastHalf_WhenDrained_CompletesAtAQuarter()
    {
        var queue = new OutboundQueue(maxMessages: 8, maxBytes: 1 << 20);
        for (var n = 0; n < 5; n++)
        {
            queue.TryEnqueue(Line($"m{n}"), WireMode.Text, live: true);
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
        queue.TryEnqueue(Line("live 1"), WireMode.Text, live: true);
        queue.TryEnqueue(Line("history"), WireMode.Text, live: false);
        queue.TryEnqueue(Line("live 2"), WireMode.Text, live: true);
        queue.Release();

        Assert.Equal(["history", "live 1", "live 2"], Drain(queue));
    }

    [Fact]
    public async Task WaitToRead_WokenByAnEnqueue_CompletedAndEmptyEndsIt_AbortDropsWhatIsLeft()
    {
        var queue = new OutboundQueue(maxMessages: 100, maxBytes: 1 << 20);
        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);

        queue.TryEnqueue(Line("wake"), WireMode.Text, live: true);

        Assert.True(await waiting.WaitAsync(TestTimeouts.Default));
        Assert.Equal(["wake"], Drain(queue));
        queue.Complete();
        Assert.False(await queue.WaitToReadAsync());
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueue(Line("late"), WireMode.Text, live: true));

        var aborted = new OutboundQueue(maxMessages: 100, maxBytes: 1 << 20);
        aborted.TryEnqueue(Line("never sent"), WireMode.Text, live: true);
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
