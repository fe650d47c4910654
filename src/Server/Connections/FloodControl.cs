using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Connections;

// Flood control: a token bucket per connection (Chat:Limits:MessagesPerSecond, Burst). A client over its rate is
// slowed, not dropped: its reads pause until a token comes. All buckets share one replenishment timer, so idle
// connections cost nothing.
internal sealed class FloodControl : IDisposable
{
    private readonly PartitionedRateLimiter<long>? _limiter;

    public FloodControl(IOptions<ChatOptions> options)
    {
        var limits = options.Value.Limits;
        if (limits.MessagesPerSecond > 0)
        {
            _limiter = PartitionedRateLimiter.Create<long, long>(connection => RateLimitPartition.GetTokenBucketLimiter(connection, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.MessagesPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 1,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }));
        }
    }

    public bool Enabled => _limiter is not null;

    // Takes a token if one is there now.
    public bool TryTake(long connection)
    {
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(connection);
        return lease.IsAcquired;
    }

    // Waits for the next token.
    public async ValueTask WaitAsync(long connection, CancellationToken cancellationToken)
    {
        if (_limiter is not null)
        {
            using var lease = await _limiter.AcquireAsync(connection, 1, cancellationToken);
        }
    }

    public void Dispose() => _limiter?.Dispose();
}
