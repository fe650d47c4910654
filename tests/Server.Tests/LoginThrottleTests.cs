using System.Net;
using Microsoft.Extensions.Time.Testing;
using SocketChat.Server.Accounts;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Tests;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Someone = IPAddress.Parse("198.51.100.1");

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void FiveFailuresInAMinute_SixthWaitsUntilTheOldestIsAMinuteOld_OtherAddressesUnaffected()
    {
        var throttle = Throttle();

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(LoginWait.None, throttle.TryBegin(Attacker));
            Assert.Equal(i, throttle.Failed(Attacker));
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(new LoginWait(TimeSpan.FromSeconds(10), OthersInProgress: false), throttle.TryBegin(Attacker));
        Assert.Equal(LoginWait.None, throttle.TryBegin(Someone));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(LoginWait.None, throttle.TryBegin(Attacker));
        Assert.Equal(5, throttle.Failed(Attacker));
    }

    [Fact]
    public void ParallelAttempts_CountedWhenTheyStart_SixthWaitsWhileFiveAreBeingChecked()
    {
        var throttle = Throttle();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(LoginWait.None, throttle.TryBegin(Attacker));
        }

        Assert.Equal(new LoginWait(TimeSpan.FromSeconds(1), OthersInProgress: true), throttle.TryBegin(Attacker));
        for (var i = 0; i < 5; i++)
        {
            throttle.Failed(Attacker);
        }

        Assert.Equal(new LoginWait(TimeSpan.FromMinutes(1), OthersInProgress: false), throttle.TryBegin(Attacker));
    }

    [Fact]
    public void SuccessfulAttempt_DoesNotCount_FailuresStillDo()
    {
        var throttle = Throttle();
        for (var i = 0; i < 4; i++)
        {
            throttle.TryBegin(Attacker);
            throttle.Failed(Attacker);
        }

        Assert.Equal(LoginWait.None, throttle.TryBegin(Attacker));
        throttle.Ended(Attacker);
        Assert.Equal(LoginWait.None, throttle.TryBegin(Attacker));
        Assert.True(throttle.TryBegin(Attacker).MustWait);
    }

    [Fact]
    public void AttemptsThatWaited_AskAgain_OnlyAsManyAsFreedGoAhead()
    {
        var throttle = Throttle();
        for (var i = 0; i < 5; i++)
        {
            throttle.TryBegin(Attacker);
            throttle.Failed(Attacker);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Three waiters all told to come back when the oldest failure expires; one slot frees, one goes ahead.
        var waits = Enumerable.Range(0, 3).Select(_ => throttle.TryBegin(Attacker)).ToArray();
        Assert.All(waits, wait => Assert.Equal(TimeSpan.FromSeconds(55), wait.Delay));
        _clock.Advance(TimeSpan.FromSeconds(55));

        Assert.Equal([false, true, true], Enumerable.Range(0, 3).Select(_ => throttle.TryBegin(Attacker).MustWait));
    }

    private LoginThrottle Throttle() => new(Microsoft.Extensions.Options.Options.Create(new ChatOptions()), _clock);
}
