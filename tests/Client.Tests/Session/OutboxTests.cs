using SocketChat.Protocol.Commands;

namespace SocketChat.Client.Tests.Session;

public sealed class OutboxTests
{
    [Fact]
    public void TryAdd_Messages_GetIncreasingClientIds()
    {
        var outbox = new Outbox.Outbox(10);

        outbox.TryAdd(new SayCommand("one"), out var first);
        outbox.TryAdd(new NickCommand("alice"), out var nick);
        outbox.TryAdd(new PrivateMessageCommand("bob", "two"), out var second);

        Assert.Equal(new SayCommand("one", "1"), first);
        Assert.Null(nick.Cid);
        Assert.Equal(new PrivateMessageCommand("bob", "two", "2"), second);
    }

    [Fact]
    public void Requeue_UnacknowledgedMessagesSentAgainInOrder_CommandsNot()
    {
        var outbox = new Outbox.Outbox(10);
        outbox.TryAdd(new SayCommand("one"), out _);
        outbox.TryAdd(new WhoCommand(), out _);
        outbox.TryAdd(new SayCommand("two"), out _);
        outbox.TryAdd(new SayCommand("three"), out _);
        Assert.Equal(4, outbox.TakeUnsent().Count);
        outbox.Settle("1");

        outbox.Requeue();

        Assert.Equal([new SayCommand("two", "2"), new SayCommand("three", "3")], outbox.TakeUnsent());
        Assert.Empty(outbox.TakeUnsent());
    }

    [Fact]
    public void TryAdd_Full_Refused()
    {
        var outbox = new Outbox.Outbox(2);

        Assert.True(outbox.TryAdd(new SayCommand("a"), out _));
        Assert.True(outbox.TryAdd(new SayCommand("b"), out _));
        Assert.False(outbox.TryAdd(new SayCommand("c"), out _));
    }

    [Fact]
    public async Task WhenEmpty_CompletesWhenLastIsSettled()
    {
        var outbox = new Outbox.Outbox(5);
        outbox.TryAdd(new SayCommand("a"), out _);
        var empty = outbox.WhenEmpty();

        Assert.False(empty.IsCompleted);
        outbox.Settle("1");

        await empty.WaitAsync(SocketChat.TestSupport.TestTimeouts.Default);
    }
}
