using Microsoft.Extensions.Time.Testing;
using SocketChat.Server.Connections;

namespace SocketChat.Server.Tests;

public sealed class IdleWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    [Fact]
    public void Check_Silent_PingedAfterTheTimeoutThenClosedAfterTheGrace()
    {
        var clock = new FakeTimeProvider();
        var idle = new IdleWatch(Timeout, clock);

        clock.Advance(Timeout - TimeSpan.FromSeconds(1));
        Assert.Equal(IdleStep.None, idle.Check());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(IdleStep.Ping, idle.Check());
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(IdleStep.None, idle.Check());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(IdleStep.Close, idle.Check());
    }

    [Fact]
    public void Check_LineAfterThePing_NotClosedAndPingedAgainOnlyAfterAnotherTimeout()
    {
        var clock = new FakeTimeProvider();
        var idle = new IdleWatch(Timeout, clock);
        clock.Advance(Timeout);
        Assert.Equal(IdleStep.Ping, idle.Check());

        clock.Advance(TimeSpan.FromSeconds(30));
        idle.LineReceived();
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(IdleStep.None, idle.Check());
        clock.Advance(Timeout - TimeSpan.FromSeconds(31));
        Assert.Equal(IdleStep.None, idle.Check());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(IdleStep.Ping, idle.Check());
    }

    [Fact]
    public void Check_LinesKeepComing_NeverPinged()
    {
        var clock = new FakeTimeProvider();
        var idle = new IdleWatch(Timeout, clock);

        for (var i = 0; i < 100; i++)
        {
            clock.Advance(Timeout / 2);
            idle.LineReceived();
            Assert.Equal(IdleStep.None, idle.Check());
        }
    }
}
