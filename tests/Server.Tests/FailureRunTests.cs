using Microsoft.Extensions.Time.Testing;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Tests;

public sealed class FailureRunTests
{
    [Fact]
    public void Failed_ARunOfTheSameFailure_FirstWithItsException_ThenOneLineAMinuteWithTheCount()
    {
        var clock = new FakeTimeProvider();
        var run = new FailureRun(clock);
        var full = new IOException("No space left on device");

        Assert.Equal(FailureReport.First, run.Failed(full, out _));
        for (var second = 1; second < 60; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(FailureReport.None, run.Failed(full, out _));
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(FailureReport.Again, run.Failed(full, out var failures));
        Assert.Equal(60, failures);
        Assert.Equal(61, run.Count);
    }

    [Fact]
    public void Failed_TheReasonChanges_SaidAtOnce_RecoveredCountsTheRun()
    {
        var run = new FailureRun(new FakeTimeProvider());
        Assert.Equal(FailureReport.First, run.Failed(new IOException("No space left on device"), out _));
        Assert.Equal(FailureReport.Again, run.Failed(new TimeoutException("Timeout awaiting response"), out var failures));
        Assert.Equal(1, failures);

        Assert.Equal(2, run.Recovered());
        Assert.Equal(0, run.Recovered());
        Assert.Equal(FailureReport.First, run.Failed(new IOException("No space left on device"), out _));
    }

    [Fact]
    public void Backoff_DoublesFromOneSecond_UpToTheLimit()
    {
        var run = new FailureRun(new FakeTimeProvider());
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            run.Failed(new IOException("x"), out _);
            waits.Add(run.Backoff(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal([1, 2, 4, 8, 10, 10], waits.Select(wait => wait.TotalSeconds));
    }
}
