using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Rooms;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Tests.Core;

/// <summary>Rooms and the directory alone: no host, no socket, no store.</summary>
public sealed class RoomDirectoryTests
{
    private readonly RoomDirectory _directory = new(Options.Create(new ChatOptions()), new FakeTimeProvider());
    private long _ids;

    [Fact]
    public void Register_GuestsNumberedInTurn_InTheDefaultRoom_NamesCaseInsensitive()
    {
        var first = Session();
        var second = Session();

        Assert.Equal("lobby", _directory.Register(first).Name);
        _directory.Register(second);

        Assert.Equal(("guest1", "guest2"), (first.Nick, second.Nick));
        Assert.Same(second, _directory.FindByNick("GUEST2"));
        Assert.Equal(["guest1", "guest2"], _directory.FindRoom("Lobby")!.Nicks());
    }

    [Fact]
    public void TryRename_ANameTakenInAnyCase_Refused_AFreeOne_TheOldNameLetGo()
    {
        var alice = Session();
        var bob = Session();
        _directory.Register(alice);
        _directory.Register(bob);
        Assert.True(_directory.TryRename(alice, "alice"));

        Assert.False(_directory.TryRename(bob, "ALICE"));
        Assert.True(_directory.TryRename(bob, "bob"));
        Assert.Null(_directory.FindByNick("guest2"));
        Assert.Equal(["alice", "bob"], _directory.FindRoom("lobby")!.Nicks());
    }

    [Fact]
    public void Move_OutOfOneRoomIntoAnother_JoinAndPart_ForSeveralRooms_Unregister_OutOfEvery_EmptyRoomsLetGo()
    {
        var alice = Session();
        _directory.Register(alice);

        var (left, joined) = _directory.Move(alice, "dev");
        Assert.Equal(("lobby", "dev"), (left!.Name, joined.Name));
        Assert.Null(_directory.FindRoom("lobby"));

        Assert.NotNull(_directory.Join(alice, "ops"));
        Assert.Null(_directory.Join(alice, "OPS"));
        Assert.Equal(["dev", "ops"], alice.Rooms);
        Assert.Equal("dev", _directory.Part(alice, "dev")!.Name);
        Assert.Equal(["ops"], alice.Rooms);

        Assert.Equal(["ops"], _directory.Unregister(alice)!.Select(room => room.Name));
        Assert.Null(_directory.FindByNick("guest1"));

        // A room nobody is in is let go.
        Assert.Null(_directory.FindRoom("ops"));
    }

    [Fact]
    public void Deliver_EveryMemberButTheSender_EncodedOnce_AFullQueueReportedNotDelivered()
    {
        var sender = Session();
        var reader = Session();
        var full = Session(maxMessages: 1);
        foreach (var session in new[] { sender, reader, full })
        {
            _directory.Register(session);
        }

        full.Deliver(new EncodedEvent(new InfoEvent("already queued")));
        var overflowed = new List<ChatSession>();
        var message = _directory.FindRoom("lobby")!.Deliver(() => new InfoEvent("hello"), sender, overflowed, out var delivered);

        Assert.Equal(1, delivered);
        Assert.Equal([full], overflowed);
        Assert.True(reader.Outbound.TryDequeue(out var received));
        Assert.Same(message, received);
        Assert.False(sender.Outbound.TryDequeue(out _));
    }

    private ChatSession Session(int maxMessages = 100) =>
        new(++_ids, System.Net.IPAddress.Loopback, $"127.0.0.1:{_ids}", new OutboundQueue(maxMessages, 1 << 20));
}
