using SocketChat.Protocol;
using SocketChat.Protocol.Events;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;
using static SocketChat.Server.Tests.Core.RoomsHarness;

namespace SocketChat.Server.Tests.Core;

// One order: a line is judged at its place in the log. One judged before a ban, mute or kick that was stored ahead
// of it is held, judged again once the entry is applied, and stored after it, or refused; what its sender sent after
// it keeps its order. No host: the log and its reader over a memory store.
public sealed class LogOrderTests : IAsyncDisposable
{
    private readonly RoomsHarness _core = new();

    [Fact]
    public async Task ALineJudgedBeforeABanStoredAheadOfIt_JudgedAgainAfter_Refused_TheSenderToldWhy()
    {
        var (mallory, alice) = InDen();
        var judgedAt = _core.Log.LastDelivered;
        var ban = _core.Log.AppendAsync(new ModerationRecord(ModerationActions.Ban, "den", "alice", "guest1!*@*", ByOperator: true).ToDraft());
        var line = _core.Log.AppendAsync(Line(mallory, "evading the ban", judgedAt));

        await DeliverUntilAsync(ban);
        var outcome = await line.WaitAsync(TestTimeouts.Default);

        Assert.Equal(ErrorCodes.Banned, outcome.Refusal?.Code);
        Assert.Equal(0, outcome.Message.Id);
        Assert.Contains(Received(mallory), told => told is ErrorEvent { Code: ErrorCodes.Banned });
        Assert.DoesNotContain(Received(alice), told => told is RoomMessageEvent);
        Assert.DoesNotContain(await _core.Store.RoomAsync("den", 0, long.MaxValue, 100), stored => stored.Kind == MessageKind.Room);
    }

    // A restriction of someone else: the held lines are allowed when judged again, stored after it, in the order sent.
    [Fact]
    public async Task LinesJudgedBeforeSomeoneElsesMute_StoredAfterIt_InTheOrderSent()
    {
        var (mallory, alice) = InDen();
        var judgedAt = _core.Log.LastDelivered;
        var mute = _core.Log.AppendAsync(new ModerationRecord(ModerationActions.Mute, "den", "alice", "carol!*@*", ByOperator: true).ToDraft());
        var lines = Enumerable.Range(1, 3).Select(n => _core.Log.AppendAsync(Line(mallory, $"line {n}", judgedAt))).ToList();

        var muted = await DeliverUntilAsync(mute);
        var stored = await Task.WhenAll(lines).WaitAsync(TestTimeouts.Default);
        await DeliverUntilAsync(lines[^1]);

        Assert.All(stored, outcome => Assert.Null(outcome.Refusal));
        Assert.Equal(["line 1", "line 2", "line 3"], stored.Select(outcome => outcome.Message.Text));
        Assert.True(stored[0].Message.Id > muted.Message.Id && stored[1].Message.Id > stored[0].Message.Id && stored[2].Message.Id > stored[1].Message.Id);
        Assert.Equal(["line 1", "line 2", "line 3"], Received(alice).OfType<RoomMessageEvent>().Select(said => said.Text));
    }

    // Kicked between its check and the log: not in the room where its line would go.
    [Fact]
    public async Task ALineJudgedBeforeItsSendersKick_Refused_NotInTheRoom()
    {
        var (mallory, _) = InDen();
        var judgedAt = _core.Log.LastDelivered;
        var kick = _core.Log.AppendAsync(new ModerationRecord(ModerationActions.Kick, "den", "alice", mallory.Nick, ByOperator: true).ToDraft());
        var line = _core.Log.AppendAsync(Line(mallory, "still here?", judgedAt));

        await DeliverUntilAsync(kick);

        Assert.Equal(ErrorCodes.NotInRoom, (await line.WaitAsync(TestTimeouts.Default)).Refusal?.Code);
    }

    // An entry that restricts nothing (a topic) never holds a line back.
    [Fact]
    public async Task ALineJudgedBeforeATopic_StoredAtOnce()
    {
        var (mallory, _) = InDen();
        var judgedAt = _core.Log.LastDelivered;
        await _core.Log.AppendAsync(new ModerationRecord(ModerationActions.Topic, "den", "alice", null, "news", ByOperator: true).ToDraft()).WaitAsync(TestTimeouts.Default);
        var outcome = await _core.Log.AppendAsync(Line(mallory, "fine", judgedAt)).WaitAsync(TestTimeouts.Default);

        Assert.True(outcome.Message.Id > 0);
    }

    private (Clients.ChatSession Mallory, Clients.ChatSession Alice) InDen()
    {
        var mallory = _core.Guest();
        var alice = _core.Guest();
        _core.Apply(new Arrive(mallory, "den"));
        _core.Apply(new Arrive(alice, "den"));
        Received(mallory);
        Received(alice);
        return (mallory, alice);
    }

    private static Draft Line(Clients.ChatSession from, string text, long judgedAt) =>
        new(MessageKind.Room, "den", from.Nick, null, text, Origin: from.Id) { JudgedAt = judgedAt };

    // Has the reader deliver what the log stores until appended is stored and delivered; returns what it became.
    private async Task<Appended> DeliverUntilAsync(Task<Appended> appended)
    {
        while (!appended.IsCompleted || _core.Log.LastDelivered < appended.Result.Message.Id)
        {
            var batch = await _core.Log.Committed.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
            _core.Reader.Deliver(batch);
        }

        return await appended;
    }

    public async ValueTask DisposeAsync() => await _core.DisposeAsync();
}
