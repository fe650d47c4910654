using System.Net;
using Microsoft.Extensions.Options;
using SocketChat.Server.Clients;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Budget;

// One budget for work that costs far more than a chat line: checking a password (a login, OPER), a search, a history
// page. A fixed number run at once for the whole server (Chat:Limits:HeavyWorkAtOnce, half the cores by default);
// each address (an IPv6 client by its prefix) and each account may have a few running or waiting
// (Chat:Limits:HeavyWorkPerClient); waiting work is taken address by address in turn, so one address's queue never
// holds up another's; and beyond that the answer is at once "busy, try again in a moment", never an unbounded queue
// of threads. Loopback is not exempt: the budget keeps everyone's chat answering, whoever asks.
internal sealed class WorkBudget(IOptions<ChatOptions> options)
{
    // A leaf: held for the tables alone, never while work runs or a waiter is woken.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Waiter>> _waiting = new(StringComparer.Ordinal);
    private readonly Queue<string> _turns = new();
    private int _running;
    private int _queued;

    public int AtOnce => options.Value.Limits.HeavyWorkAtOnce is > 0 and var configured ? configured : Math.Max(1, Environment.ProcessorCount / 2);

    private int PerClient => options.Value.Limits.HeavyWorkPerClient;

    private int MostWaiting => Math.Max(16, AtOnce * 8);

    // Work being done now, and waiting to be (for the counters and tests).
    public (int Running, int Waiting) Load
    {
        get
        {
            lock (_gate)
            {
                return (_running, _queued);
            }
        }
    }

    // A place to do expensive work for a client at address (and account, when logged in): at once, after others'
    // (address by address in turn), or null when that client or the whole server already has as much as it may
    // (busy). Dispose the place when the work is done. Cancelled while waiting: the place is given up.
    public async ValueTask<IDisposable?> EnterAsync(IPAddress address, string? account, CancellationToken cancellationToken)
    {
        var keys = Keys(address, account);
        Waiter waiter;
        lock (_gate)
        {
            if (keys.Any(key => _held.GetValueOrDefault(key) >= PerClient))
            {
                return null;
            }

            if (_running < AtOnce)
            {
                _running++;
                Hold(keys, +1);
                return new Place(this, keys);
            }

            if (_queued >= MostWaiting)
            {
                return null;
            }

            waiter = new Waiter(keys);
            if (!_waiting.TryGetValue(keys[0], out var queue))
            {
                _waiting[keys[0]] = queue = new Queue<Waiter>();
                _turns.Enqueue(keys[0]);
            }

            queue.Enqueue(waiter);
            _queued++;
            Hold(keys, +1);
        }

        using (cancellationToken.Register(() => GiveUp(waiter)))
        {
            return await waiter.Turn.Task.ConfigureAwait(false) ? new Place(this, keys) : throw new OperationCanceledException(cancellationToken);
        }
    }

    // The address's block (IPv6 by its prefix) and the account: what a client's share is counted by.
    private string[] Keys(IPAddress address, string? account)
    {
        var block = AddressBlock.Of(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, options.Value.Limits.Ipv6PrefixLength).ToString();
        return account is null ? [block] : [block, "a:" + account.ToLowerInvariant()];
    }

    // Under _gate.
    private void Hold(string[] keys, int by)
    {
        foreach (var key in keys)
        {
            var now = _held.GetValueOrDefault(key) + by;
            if (now <= 0)
            {
                _held.Remove(key);
            }
            else
            {
                _held[key] = now;
            }
        }
    }

    // A place is given back: the next waiter, address by address in turn, takes it.
    private void Leave(string[] keys)
    {
        Waiter? next = null;
        lock (_gate)
        {
            Hold(keys, -1);
            while (next is null && _turns.TryDequeue(out var turn))
            {
                var queue = _waiting[turn];
                while (queue.TryDequeue(out var candidate))
                {
                    if (!candidate.Cancelled)
                    {
                        next = candidate;
                        next.Chosen = true;
                        break;
                    }
                }

                if (queue.Count > 0)
                {
                    _turns.Enqueue(turn);
                }
                else
                {
                    _waiting.Remove(turn);
                }
            }

            if (next is null)
            {
                _running--;
            }
            else
            {
                _queued--;
            }
        }

        // The place passes to it: running stays as it was.
        next?.Turn.TrySetResult(true);
    }

    private void GiveUp(Waiter waiter)
    {
        lock (_gate)
        {
            // Given a place already (its caller gives it back), or given up before.
            if (waiter.Chosen || waiter.Cancelled)
            {
                return;
            }

            waiter.Cancelled = true;
            _queued--;
            Hold(waiter.Keys, -1);
        }

        waiter.Turn.TrySetResult(false);
    }

    private sealed class Waiter(string[] keys)
    {
        public string[] Keys => keys;

        public TaskCompletionSource<bool> Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Under _gate: given up (its caller was cancelled), or given a place.
        public bool Cancelled { get; set; }

        public bool Chosen { get; set; }
    }

    private sealed class Place(WorkBudget budget, string[] keys) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                budget.Leave(keys);
            }
        }
    }
}
