using System.Net;
using Microsoft.Extensions.Time.Testing;
using SocketChat.Server.Accounts;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Tests;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Someone = IPAddress.Parse("198.51.100.1");

    [Fact]
    public void FiveFailuresInAMinute_SixthWaitsUntilTheOldestIsAMinuteOld_OtherAddressesUnaffected()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var throttle = new LoginThrottle(Microsoft.Extensions.Options.Options.Create(new ChatOptions()), clock);

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(TimeSpan.Zero, throttle.WaitBefore(Attacker));
            Assert.Equal(i, throttle.Failed(Attacker));
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(TimeSpan.FromSeconds(10), throttle.WaitBefore(Attacker));
        Assert.Equal(TimeSpan.Zero, throttle.WaitBefore(Someone));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, throttle.WaitBefore(Attacker));
        Assert.Equal(5, throttle.Failed(Attacker));
    }
}
