using SocketChat.Client.Configuration;
using SocketChat.Client.Connection;

namespace SocketChat.Client.Tests.Session;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 0.5, 1.0)]
    [InlineData(2, 1.0, 2.0)]
    [InlineData(3, 2.0, 4.0)]
    [InlineData(10, 5.0, 10.0)]
    [InlineData(100, 5.0, 10.0)]
    public void Delay_DoublesWithJitterUpToMaximum(int attempt, double low, double high)
    {
        var backoff = new Backoff(new ReconnectOptions { FirstDelaySeconds = 1, MaxDelaySeconds = 10 }, new Random(7));

        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(backoff.Delay(attempt).TotalSeconds, low, high);
        }
    }

    [Theory]
    [InlineData(0.25, "250ms")]
    [InlineData(2, "2s")]
    [InlineData(2.5, "2.5s")]
    [InlineData(30, "30s")]
    public void Describe_ReadableDelay(double seconds, string expected)
    {
        Assert.Equal(expected, Backoff.Describe(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void GivesUpBefore_CountsAttempts()
    {
        Assert.True(new Backoff(new ReconnectOptions { Attempts = 0 }, Random.Shared).GivesUpBefore(1));
        Assert.False(new Backoff(new ReconnectOptions { Attempts = 2 }, Random.Shared).GivesUpBefore(2));
        Assert.True(new Backoff(new ReconnectOptions { Attempts = 2 }, Random.Shared).GivesUpBefore(3));
        Assert.False(new Backoff(new ReconnectOptions(), Random.Shared).GivesUpBefore(1_000_000));
    }
}
