using Microsoft.Extensions.DependencyInjection;
using SocketChat.Protocol.Events;
using SocketChat.Server.Clients;
using SocketChat.Server.Rooms;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Core;

// No connection is written the same line twice: its writer keeps the newest id it wrote and passes over a live line
// at or below it, whatever hands it over again (a log read twice after a failover went back and forth).
public sealed class ExactlyOnceWriterTests
{
    [Fact]
    public async Task ALiveLineHandedOverTwice_WrittenOnce_HistoryStillShown()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        var session = server.Host.Services.GetRequiredService<Users>().FindByNick("alice")!;
        var at = DateTimeOffset.UtcNow;

        session.Deliver(new EncodedEvent(new RoomMessageEvent(1_000_001, at, "lobby", "bob", "once")));
        session.Deliver(new EncodedEvent(new RoomMessageEvent(1_000_001, at, "lobby", "bob", "once")));
        session.Deliver(new EncodedEvent(new RoomMessageEvent(1_000_000, at, "lobby", "bob", "older, live")));
        session.Deliver(new EncodedEvent(new PrivateMessageEvent(1_000_001, at, "bob", "alice", "same id, private")));
        session.Deliver(new EncodedEvent(new RoomMessageEvent(5, at, "lobby", "bob", "from history", History: true)));
        session.Deliver(new EncodedEvent(new RoomMessageEvent(1_000_002, at, "lobby", "bob", "next")));

        Assert.Equal("bob: once", await alice.ReadLineAsync());
        Assert.StartsWith("[history] ", await alice.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("bob: next", await alice.ReadLineAsync());
    }
}
