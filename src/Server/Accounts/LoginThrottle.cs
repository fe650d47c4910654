using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Accounts;

/// <summary>
/// Counts failed logins per address over the last minute. Once an address has <c>Chat:Auth:MaxFailuresPerMinute</c>,
/// its next attempt waits until the oldest of them is a minute old, so guessing runs at that rate at most.
/// </summary>
/// <remarks>
/// Hand-written rather than a System.Threading.RateLimiting limiter: those count every attempt, and a successful
/// login must not use up a permit (nor reset the count, or one known account would let an attacker go on guessing).
/// </remarks>
internal sealed class LoginThrottle(IOptions<ChatOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _failures = new();
    private int _sinceSweep;

    /// <summary>How long an attempt from <paramref name="address"/> must wait first; zero when it may go ahead.</summary>
    public TimeSpan WaitBefore(IPAddress address)
    {
        if (!_failures.TryGetValue(address, out var failures))
        {
            return TimeSpan.Zero;
        }

        lock (failures)
        {
            var now = clock.GetUtcNow();
            Expire(failures, now);
            return failures.Count < options.Value.Auth.MaxFailuresPerMinute ? TimeSpan.Zero : failures.Peek() + Window - now;
        }
    }

    /// <summary>Records a failure; returns the address's failures in the last minute, this one included.</summary>
    public int Failed(IPAddress address)
    {
        if (Interlocked.Increment(ref _sinceSweep) % 256 == 0)
        {
            Sweep();
        }

        while (true)
        {
            var failures = _failures.GetOrAdd(address, static _ => new Queue<DateTimeOffset>());
            lock (failures)
            {
                // A sweep may have removed this queue between the lookup and the lock.
                if (!_failures.TryGetValue(address, out var current) || !ReferenceEquals(current, failures))
                {
                    continue;
                }

                var now = clock.GetUtcNow();
                Expire(failures, now);
                failures.Enqueue(now);
                return failures.Count;
            }
        }
    }

    private static void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() + Window <= now)
        {
            failures.Dequeue();
        }
    }

    // Forget addresses whose failures have all expired, so the table stays as small as the last minute's attackers.
    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (address, failures) in _failures)
        {
            lock (failures)
            {
                Expire(failures, now);
                if (failures.Count == 0)
                {
                    _failures.TryRemove(new KeyValuePair<IPAddress, Queue<DateTimeOffset>>(address, failures));
                }
            }
        }
    }
}
