using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Accounts;

// Limits password guessing per address (an IPv6 client per prefix): an address may have at most Chat:Auth:MaxFailuresPerMinute attempts
// that failed in the last minute or are being checked now. An attempt counts from the moment it starts, so thirty
// parallel connections get no more checks than one connection would; one that must wait asks again after waiting.
// Hand-written rather than a System.Threading.RateLimiting limiter: those count every attempt, and a successful
// login must not use up a permit (nor reset the count, or one known account would let an attacker go on guessing).
internal sealed class LoginThrottle(IOptions<ChatOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // While the limit is taken up by attempts still being checked, ask again this much later.
    private static readonly TimeSpan InProgressRetry = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<IPAddress, Attempts> _attempts = new();
    private int _sinceSweep;

    // Starts an attempt from address: LoginWait.None when it may go ahead (it is
    // counted from now on and must end with Failed or Ended), otherwise how long to wait
    // before asking again.
    public LoginWait TryBegin(IPAddress address)
    {
        address = Block(address);
        if (Interlocked.Increment(ref _sinceSweep) % 256 == 0)
        {
            Sweep();
        }

        while (true)
        {
            var attempts = _attempts.GetOrAdd(address, static _ => new Attempts());
            lock (attempts)
            {
                // A sweep may have removed this entry between the lookup and the lock.
                if (!_attempts.TryGetValue(address, out var current) || !ReferenceEquals(current, attempts))
                {
                    continue;
                }

                var now = clock.GetUtcNow();
                attempts.Expire(now);
                if (attempts.Failures.Count + attempts.InProgress < options.Value.Auth.MaxFailuresPerMinute)
                {
                    attempts.InProgress++;
                    return LoginWait.None;
                }

                // Full: until the oldest failure is a minute old, or, when the attempts being checked fill it, a moment.
                return attempts.Failures.Count >= options.Value.Auth.MaxFailuresPerMinute
                    ? new LoginWait(attempts.Failures.Peek() + Window - now, OthersInProgress: false)
                    : new LoginWait(InProgressRetry, OthersInProgress: true);
            }
        }
    }

    // The attempt failed: it counts for a minute. Returns the address's failures in the last minute, this one included.
    public int Failed(IPAddress address) => End(address, failed: true);

    // The attempt succeeded, or was never checked (the server was busy, the connection closed): it no longer counts.
    public void Ended(IPAddress address) => End(address, failed: false);

    private int End(IPAddress address, bool failed)
    {
        address = Block(address);
        // An attempt in progress keeps its entry: the sweep removes only entries with nothing in progress.
        if (!_attempts.TryGetValue(address, out var attempts))
        {
            return 0;
        }

        lock (attempts)
        {
            var now = clock.GetUtcNow();
            attempts.Expire(now);
            attempts.InProgress = Math.Max(0, attempts.InProgress - 1);
            if (failed)
            {
                attempts.Failures.Enqueue(now);
            }

            return attempts.Failures.Count;
        }
    }

    // IPv6 clients are counted by their prefix, since any address in it is theirs (Chat:Limits:Ipv6PrefixLength).
    private IPAddress Block(IPAddress address) => Clients.AddressBlock.Of(address, options.Value.Limits.Ipv6PrefixLength);

    // Forget addresses with nothing in progress and no failure left in the window, so the table stays as small as
    // the last minute's attackers.
    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (address, attempts) in _attempts)
        {
            lock (attempts)
            {
                attempts.Expire(now);
                if (attempts.Failures.Count == 0 && attempts.InProgress == 0)
                {
                    _attempts.TryRemove(new KeyValuePair<IPAddress, Attempts>(address, attempts));
                }
            }
        }
    }

    private sealed class Attempts
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public int InProgress { get; set; }

        public void Expire(DateTimeOffset now)
        {
            while (Failures.Count > 0 && Failures.Peek() + Window <= now)
            {
                Failures.Dequeue();
            }
        }
    }
}
