using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Sessions;

// How fast one connection may make moderation entries: a token bucket each (Chat:Limits:ModerationPerMinute, ten at
// once), so an operator's script (or a room's owner toggling +m two thousand times a second) cannot grow the log
// without bound. The operator console is not limited. All buckets share one replenishment timer, and the library
// lets an idle one go.
internal sealed class ModerationPace : IDisposable
{
    private const int Burst = 10;

    private readonly PartitionedRateLimiter<long>? _limiter;

    public ModerationPace(IOptions<ChatOptions> options)
    {
        var perMinute = options.Value.Limits.ModerationPerMinute;
        PerMinute = perMinute;
        if (perMinute > 0)
        {
            _limiter = PartitionedRateLimiter.Create<long, long>(connection => RateLimitPartition.GetTokenBucketLimiter(connection, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(Burst, perMinute / 60),
                TokensPerPeriod = perMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

    public int PerMinute { get; }

    // Takes a token for one entry from connection if one is there now.
    public bool TryTake(long connection)
    {
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(connection);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter?.Dispose();
}
