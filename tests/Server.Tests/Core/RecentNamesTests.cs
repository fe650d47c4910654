using Microsoft.Extensions.Time.Testing;
using SocketChat.Server.Clients;
using SocketChat.Server.Rooms;

namespace SocketChat.Server.Tests.Core;

public sealed class RecentNamesTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Find_NewestFirst_WithoutRegardToCase_AtMostMax_NameForUserAndRealNameWhenNoneGiven()
    {
        var recent = new RecentNames(_clock);
        recent.LetGo("alice", new ClientIdent("al", "Alice Liddell"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        recent.LetGo("bob", null);
        recent.LetGo("Alice", new ClientIdent("al2", "Alice Again"));

        Assert.Equal(
            [new RecentNames.Entry("Alice", "al2", "Alice Again", _clock.GetUtcNow()), new RecentNames.Entry("alice", "al", "Alice Liddell", _clock.GetUtcNow() - TimeSpan.FromMinutes(1))],
            recent.Find("ALICE"));
        Assert.Equal(["al2"], recent.Find("alice", max: 1).Select(entry => entry.User));
        Assert.Equal([new RecentNames.Entry("bob", "bob", "bob", _clock.GetUtcNow())], recent.Find("bob"));
        Assert.Empty(recent.Find("carol"));
    }

    [Fact]
    public void LetGo_PastCapacity_TheOldestForgotten()
    {
        var recent = new RecentNames(_clock);
        for (var n = 0; n <= RecentNames.Capacity; n++)
        {
            recent.LetGo($"user{n}", null);
        }

        Assert.Empty(recent.Find("user0"));
        Assert.Single(recent.Find("user1"));
        Assert.Single(recent.Find($"user{RecentNames.Capacity}"));
    }
}
