using SocketChat.Protocol.Events;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;
using static SocketChat.Server.Tests.Core.RoomsHarness;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Tests.Core;

// The log reader alone, the one owner of room state: sequences of entries applied to the rooms, and what each
// member's queue received. No host, no socket; a memory store.
public sealed class LogReaderTests : IAsyncDisposable
{
    private readonly RoomsHarness _core = new();

    [Fact]
    public void ArriveMoveDepart_AppliedInOrder_MembersAndNotices_AsEachEntrySays()
    {
        // Arrange
        var alice = _core.Guest();
        var bob = _core.Guest();

        // Act, assert: each entry in turn.
        Assert.Equal("lobby", _core.Apply(new Arrive(alice, "lobby")).Joined);
        Assert.Equal("lobby", _core.Apply(new Arrive(bob, "lobby")).Joined);
        Assert.Equal([(PresenceAction.Join, "lobby", "guest2")], Presence(alice));
        Assert.Empty(Received(bob));

        var moved = _core.Apply(new Move(bob, "dev"));
        Assert.Equal("dev", moved.Joined);
        Assert.Equal(["lobby"], moved.Left);
        Assert.Equal([(PresenceAction.Leave, "lobby", "guest2")], Presence(alice));
        Assert.Equal(["guest1"], _core.Rooms.FindRoom("lobby")!.Nicks());
        Assert.Equal(["guest2"], _core.Rooms.FindRoom("dev")!.Nicks());
        Assert.Equal("dev", bob.Room);
        Assert.Equal(["dev"], bob.Rooms);

        var departed = _core.Apply(new Depart(alice, "connection reset", Disconnected: true));
        Assert.Equal(["lobby"], departed.Left);
        Assert.Null(_core.Rooms.FindRoom("lobby"));
        Assert.Empty(Received(bob));
        Assert.Equal(string.Empty, alice.Room);
    }

    [Fact]
    public void JoinAndPart_SeveralRooms_OnlyTheRoomConcernedTold_AJoinTwice_DoesNothing()
    {
        var irc = _core.Guest();
        var dev = _core.Guest();
        var ops = _core.Guest();
        _core.Apply(new Arrive(irc, Room: null));
        _core.Apply(new Arrive(dev, "dev"));
        _core.Apply(new Arrive(ops, "ops"));

        Assert.Equal("dev", _core.Apply(new JoinRoom(irc, "dev")).Joined);
        Assert.Equal("ops", _core.Apply(new JoinRoom(irc, "ops")).Joined);
        Assert.Null(_core.Apply(new JoinRoom(irc, "DEV")).Joined);
        Assert.Equal(["dev", "ops"], irc.Rooms);
        Assert.Equal(["dev"], _core.Apply(new PartRoom(irc, "dev", "bye")).Left);
        Assert.Empty(_core.Apply(new PartRoom(irc, "dev", "again")).Left);

        Assert.Equal(["ops"], irc.Rooms);
        Assert.Equal(
            [(PresenceAction.Join, "dev", "guest1", null), (PresenceAction.Leave, "dev", "guest1", "bye")],
            Received(dev).OfType<PresenceEvent>().Select(notice => (notice.Action, notice.Room, notice.Nick, notice.Reason)));
        Assert.Equal([(PresenceAction.Join, "ops", "guest1")], Presence(ops));
    }

    [Fact]
    public async Task Arrive_DisplacingAnEarlierLogin_ItsRoomHearsItLeaveThenTheNewcomerJoin_InThatRoom()
    {
        var earlier = _core.Session();
        var other = _core.Guest();
        Assert.True(await _core.Users.TryRegisterAsync(earlier, "alice"));
        _core.Apply(new Arrive(earlier, "dev"));
        _core.Apply(new Arrive(other, "dev"));
        Received(earlier);
        var newcomer = _core.Session();

        var claim = await _core.Users.ClaimAccountAsync(newcomer, "alice");
        var entered = _core.Apply(new Arrive(newcomer, "lobby", claim!.Displaced, FollowDisplaced: true));

        Assert.Same(earlier, claim.Displaced);
        Assert.Same(newcomer, _core.Users.FindByNick("ALICE"));
        Assert.Equal("dev", entered.Joined);
        Assert.Equal([(PresenceAction.Leave, "dev", "alice"), (PresenceAction.Join, "dev", "alice")], Presence(other));
        Assert.Empty(Received(newcomer));
        Assert.False(_core.Rooms.FindRoom("dev")!.Has(earlier));

        // The earlier connection's own leaving, later, finds it in no room: nothing more is told.
        Assert.Empty(_core.Apply(new Depart(earlier, "replaced", Disconnected: true)).Left);
        Assert.Empty(Received(other));
    }

    [Fact]
    public void Arrive_Quietly_AResumeReplacingItsHalfOpenConnection_TheRoomHearsOnlyTheJoin()
    {
        var previous = _core.Guest();
        var other = _core.Guest();
        _core.Apply(new Arrive(previous, "lobby"));
        _core.Apply(new Arrive(other, "lobby"));
        Received(other);
        var resumed = _core.Session();

        _core.Users.Resume(resumed, "guest1", previous);
        _core.Apply(new Arrive(resumed, "lobby", previous, Quietly: true));

        Assert.Equal([(PresenceAction.Join, "lobby", "guest1")], Presence(other));
        Assert.Null(_core.Users.FindById(previous.Id));
        Assert.Equal(2, _core.Rooms.FindRoom("lobby")!.Count);
    }

    [Fact]
    public async Task Rename_EveryRoomOfItsTold_ButNotItself()
    {
        var irc = _core.Guest();
        var dev = _core.Guest();
        _core.Apply(new Arrive(irc, Room: null));
        _core.Apply(new Arrive(dev, "dev"));
        _core.Apply(new JoinRoom(irc, "dev"));
        _core.Apply(new JoinRoom(irc, "ops"));
        Received(dev);

        Assert.True(await _core.Users.TryRenameAsync(irc, "alice"));
        _core.Apply(new Rename(irc, "guest1"));

        var renamed = Assert.IsType<PresenceEvent>(Assert.Single(Received(dev)));
        Assert.Equal((PresenceAction.Rename, "dev", "alice", "guest1"), (renamed.Action, renamed.Room, renamed.Nick, renamed.OldNick));
        Assert.Empty(Received(irc));
    }

    [Fact]
    public async Task HistoryBoundary_TheLastMessageDeliveredWhenTheJoinApplied_NoOverlapNoGap()
    {
        var alice = _core.Guest();
        _core.Apply(new Arrive(alice, "lobby"));
        var before = await _core.SayAsync(alice, "before");
        var bob = _core.Guest();

        // Stored, not yet delivered, when bob joins: it is his live traffic, not his history.
        var stored = await _core.Log.AppendAsync(new Draft(MessageKind.Room, "lobby", "guest1", null, "while joining", Origin: alice.Id)).WaitAsync(TestTimeouts.Default);
        var entered = _core.Apply(new Arrive(bob, "lobby"));
        _core.Reader.Deliver(await _core.Log.Committed.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
        var after = await _core.SayAsync(alice, "after");

        Assert.Equal(before.Id, entered.Position);
        var history = await _core.Store.RoomAsync("lobby", 0, entered.Position + 1, 20);
        Assert.Equal(["before"], history.Select(message => message.Text));
        var live = Received(bob).OfType<RoomMessageEvent>().Select(message => (message.Id, message.Text)).ToList();
        Assert.Equal([(stored.Message.Id, "while joining"), (after.Id, "after")], live);
    }

    [Fact]
    public async Task ChangeAsync_WhileTheReaderRuns_AppliedInTurnWithTheMessages_AfterItStops_Cancelled()
    {
        var alice = _core.Guest();
        await _core.Reader.StartAsync(CancellationToken.None);

        var entered = await _core.Reader.ChangeAsync(new Arrive(alice, "lobby")).WaitAsync(TestTimeouts.Default);
        var said = await _core.Log.AppendAsync(new Draft(MessageKind.Room, "lobby", "guest1", null, "hi", Origin: alice.Id)).WaitAsync(TestTimeouts.Default);
        await _core.Log.WhenDeliveredAsync(said.Message.Id).WaitAsync(TestTimeouts.Default);
        var moved = await _core.Reader.ChangeAsync(new Move(alice, "dev")).WaitAsync(TestTimeouts.Default);

        Assert.Equal((0L, said.Message.Id), (entered.Position, moved.Position));

        // The log ends its stream when it stops, and the reader with it.
        await _core.StopLogAsync();
        await _core.Reader.ExecuteTask!.WaitAsync(TestTimeouts.Default);
        var late = _core.Reader.ChangeAsync(new Move(alice, "ops"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => late.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task AChange_AppliedAfterWhatTheLogHadStoredWhenItCame_ItsPositionFollowsIt()
    {
        var alice = _core.Guest();
        _core.Apply(new Arrive(alice, "lobby"));
        var stored = await _core.Log.AppendAsync(new Draft(MessageKind.Room, "lobby", "guest1", null, "before bob", Origin: alice.Id)).WaitAsync(TestTimeouts.Default);
        var bob = _core.Guest();

        // Queued behind the stored batch before the reader runs: the batch is delivered first.
        var arriving = _core.Reader.ChangeAsync(new Arrive(bob, "lobby"));
        await _core.Reader.StartAsync(CancellationToken.None);
        var entered = await arriving.WaitAsync(TestTimeouts.Default);

        Assert.Equal(stored.Message.Id, entered.Position);
        Assert.Empty(Received(bob).OfType<RoomMessageEvent>());
        await _core.StopLogAsync();
    }

    [Fact]
    public async Task Delivery_ToEveryMemberButTheSender_EncodedOnce_AFullQueueDropped_NotCounted()
    {
        var sender = _core.Guest();
        var reader = _core.Guest();
        var full = _core.Session(maxMessages: 1);
        await _core.Users.RegisterGuestAsync(full);
        foreach (var session in new[] { sender, reader, full })
        {
            _core.Apply(new Arrive(session, "lobby"));
        }

        Received(sender);
        Received(reader);
        full.Deliver(new EncodedEvent(new InfoEvent("already queued")));
        await _core.SayAsync(sender, "hello");

        Assert.Equal(["hello"], Received(reader).OfType<RoomMessageEvent>().Select(message => message.Text));
        Assert.Empty(Received(sender));
        Assert.Equal(ChatSession.SlowConsumerReason, full.CloseReason);
    }

    public async ValueTask DisposeAsync() => await _core.DisposeAsync();
}

// The moderation the log reader carries out on this server's members.
public sealed class LogReaderModerationTests
{
    [Fact]
    public async Task Kick_TheKickedIsOutOfTheRoomBeforeItIsTold()
    {
        // Its next line must find it out of the room: told first, it could send one before it was taken out.
        await using var harness = new RoomsHarness();
        var alice = harness.Guest();
        var bob = harness.Guest();
        var watching = new WatchingWire("den");
        bob.Protocol = watching;
        harness.Apply(new Move(alice, "den"));
        harness.Apply(new Move(bob, "den"));
        await harness.ModerateAsync(new ModerationRecord(ModerationActions.Owner, "den", alice.Nick, alice.Nick));

        await harness.ModerateAsync(new ModerationRecord(ModerationActions.Kick, "den", alice.Nick, bob.Nick, "out"));

        Assert.Equal([false], watching.InRoomWhenToldOfAKick);
        Assert.False(bob.IsIn("den"));
        Assert.Equal(["guest1"], harness.Rooms.FindRoom("den")!.Nicks());
    }

    [Fact]
    public async Task RemovingBan_MatchingMembersOutBeforeTold_OperatorsStay()
    {
        await using var harness = new RoomsHarness();
        var alice = harness.Guest();
        var bob = harness.Guest();
        var watching = new WatchingWire("den");
        bob.Protocol = watching;
        harness.Apply(new Move(alice, "den"));
        harness.Apply(new Move(bob, "den"));
        await harness.ModerateAsync(new ModerationRecord(ModerationActions.Owner, "den", alice.Nick, alice.Nick));

        // Every guest matches; the owner is not removed by her own ban.
        await harness.ModerateAsync(new ModerationRecord(ModerationActions.Ban, "den", alice.Nick, "guest*!*@*", Remove: true));

        Assert.Equal([false], watching.InRoomWhenToldOfAKick);
        Assert.Equal(["guest1"], harness.Rooms.FindRoom("den")!.Nicks());
    }

    // Notes, as each kick is queued for its session, whether the session is still in the room.
    private sealed class WatchingWire(string room) : IWireProtocol
    {
        public List<bool> InRoomWhenToldOfAKick { get; } = [];

        public string Name => "watching";

        public int MaxLineBytes => 4096;

        public bool RegistersItself => false;

        public string Refusal(string reason) => reason;

        public ValueTask<bool> HandleLineAsync(ChatSession session, System.Buffers.ReadOnlySequence<byte> line) => throw new NotSupportedException();

        public ValueTask RejectTooLongAsync(ChatSession session, System.Buffers.ReadOnlySequence<byte> head) => throw new NotSupportedException();

        public ValueTask GreetSilentAsync(ChatSession session) => ValueTask.CompletedTask;

        public ServerEvent? Reply(ChatSession session, ServerEvent reply) => reply;

        public bool Shows(ChatSession session, StatusEvent status) => false;

        public int SizeOf(EncodedEvent message, ChatSession session)
        {
            if (message.Event is ModerationEvent { Action: ModerationActions.Kick } kick && kick.Target == session.Nick)
            {
                InRoomWhenToldOfAKick.Add(session.IsIn(room));
            }

            return TextWire.Instance.SizeOf(message, session);
        }

        public void Write(EncodedEvent message, ChatSession session, IEventOutput output) => TextWire.Instance.Write(message, session, output);
    }
}
