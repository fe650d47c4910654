using System.Net;
using Microsoft.Extensions.Options;
using SocketChat.Server.Budget;
using SocketChat.Server.Configuration;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Core;

// The budget for expensive work, without a host: how many at once, each client's share, turns by address, and what
// a waiter that gives up leaves behind.
public sealed class WorkBudgetTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.2");
    private static readonly IPAddress C = IPAddress.Parse("192.0.2.3");

    private static WorkBudget Budget(int atOnce, int perClient) =>
        new(Options.Create(new ChatOptions { Limits = new LimitsOptions { HeavyWorkAtOnce = atOnce, HeavyWorkPerClient = perClient } }));

    [Fact]
    public async Task BeyondItsShare_AnAddressIsToldBusy_AtOnce_OthersStillWait()
    {
        var budget = Budget(atOnce: 1, perClient: 2);
        using var running = await budget.EnterAsync(A, null, CancellationToken.None);
        var waiting = budget.EnterAsync(A, null, CancellationToken.None).AsTask();

        Assert.NotNull(running);
        Assert.Null(await budget.EnterAsync(A, null, CancellationToken.None));
        Assert.False(waiting.IsCompleted);
        var other = budget.EnterAsync(B, null, CancellationToken.None).AsTask();
        Assert.Equal((1, 2), budget.Load);

        running!.Dispose();
        using var second = await waiting.WaitAsync(TestTimeouts.Default);
        Assert.NotNull(second);
        Assert.False(other.IsCompleted);
        second!.Dispose();
        (await other.WaitAsync(TestTimeouts.Default))!.Dispose();
        Assert.Equal((0, 0), budget.Load);
    }

    [Fact]
    public async Task AnAccountHasItsShareWhateverItsAddresses()
    {
        var budget = Budget(atOnce: 4, perClient: 1);
        using var first = await budget.EnterAsync(A, "alice", CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(await budget.EnterAsync(B, "Alice", CancellationToken.None));
        using var other = await budget.EnterAsync(B, "bob", CancellationToken.None);
        Assert.NotNull(other);
    }

    // One address with many waiting does not hold up another: places are given address by address in turn.
    [Fact]
    public async Task WaitingWork_TakenAddressByAddressInTurn()
    {
        var budget = Budget(atOnce: 1, perClient: 8);
        var order = new List<string>();
        using (var holding = await budget.EnterAsync(C, null, CancellationToken.None))
        {
            var queued = new List<Task>();
            foreach (var (address, name) in new[] { (A, "a1"), (A, "a2"), (A, "a3"), (B, "b1"), (B, "b2") })
            {
                queued.Add(TakeAsync(address, name));
            }

            holding!.Dispose();
            await Task.WhenAll(queued).WaitAsync(TestTimeouts.Default);
        }

        Assert.Equal(["a1", "b1", "a2", "b2", "a3"], order);

        async Task TakeAsync(IPAddress address, string name)
        {
            using var place = await budget.EnterAsync(address, null, CancellationToken.None);
            lock (order)
            {
                order.Add(name);
            }
        }
    }

    [Fact]
    public async Task AWaiterThatGivesUp_LeavesNoPlaceTaken()
    {
        var budget = Budget(atOnce: 1, perClient: 2);
        var running = await budget.EnterAsync(A, null, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = budget.EnterAsync(A, null, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeouts.Default));
        Assert.Equal((1, 0), budget.Load);
        running!.Dispose();
        Assert.Equal((0, 0), budget.Load);
        using var again = await budget.EnterAsync(A, null, CancellationToken.None);
        Assert.NotNull(again);
    }
}
