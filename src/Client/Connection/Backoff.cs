using SocketChat.Client.Configuration;

namespace SocketChat.Client.Connection;

// Exponential backoff with jitter, so clients cut off together do not all come back at once.
internal sealed class Backoff(ReconnectOptions options, Random random)
{
    // The wait before attempt attempt (1-based): first × 2^(attempt−1), capped, then 50–100% of that.
    public TimeSpan Delay(int attempt)
    {
        var exponential = options.FirstDelaySeconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, options.MaxDelaySeconds);
        return TimeSpan.FromSeconds(capped * (0.5 + (random.NextDouble() * 0.5)));
    }

    public bool GivesUpBefore(int attempt) => options.Attempts is { } limit && attempt > limit;

    public static string Describe(TimeSpan delay) => delay.TotalSeconds switch
    {
        < 1 => FormattableString.Invariant($"{delay.TotalMilliseconds:0}ms"),
        < 10 => FormattableString.Invariant($"{delay.TotalSeconds:0.#}s"),
        _ => FormattableString.Invariant($"{delay.TotalSeconds:0}s"),
    };
}
