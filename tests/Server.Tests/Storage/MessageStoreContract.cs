using SocketChat.Protocol.Events;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Tests.Storage;

// What every message store promises the log, run against each store: ids given in order and never reused, a
// resent line (same sender token and client id) stored once and answered with the first, a room's history with the
// operator's lines and without private ones, identities kept and ended, retention and export; and, for a store
// several servers share, following the log's tail: every writer's entries, in order, once.
public abstract class MessageStoreContract : IDisposable
{
    protected static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private IMessageStore? _store;

    private protected IMessageStore Store => _store ??= Opened();

    public void Dispose()
    {
        _store?.Dispose();
        Disposed();
        GC.SuppressFinalize(this);
    }

    // After the store is closed: what the store's own files need.
    private protected virtual void Disposed()
    {
    }

    [Fact]
    public async Task Append_IdsFollowTheLastOneInOrder_EachDraftAnswered()
    {
        var first = await Store.AppendAsync([Say("a"), Say("b")], Now, []);
        var second = await Store.AppendAsync([Say("c")], Now.AddSeconds(1), []);

        Assert.Equal([1L, 2L, 3L], first.Concat(second).Select(result => result.Message.Id));
        Assert.All(first.Concat(second), result => Assert.False(result.Duplicate));
        Assert.Equal(3, Store.LastId);
        Assert.Equal(("c", Now.AddSeconds(1)), (second[0].Message.Text, second[0].Message.Timestamp));
    }

    [Fact]
    public async Task Append_LineResentUnderItsTokenAndClientId_StoredOnce_AnsweredWithTheFirst()
    {
        var first = (await Store.AppendAsync([Say("hello", "tok", "c1")], Now, []))[0];

        var again = await Store.AppendAsync([Say("hello", "tok", "c1"), Say("other", "tok", "c2"), Say("hello", "tok", "c2"), Say("hello", "other-token", "c1")], Now.AddSeconds(5), []);

        Assert.Equal((first.Message.Id, Now, "hello", "tok", "c1", true), (again[0].Message.Id, again[0].Message.Timestamp, again[0].Message.Text, again[0].Message.SenderToken, again[0].Message.Cid, again[0].Duplicate));
        Assert.Equal((2L, false), (again[1].Message.Id, again[1].Duplicate));
        Assert.Equal(("other", true), (again[2].Message.Text, again[2].Duplicate));
        Assert.Equal((3L, false), (again[3].Message.Id, again[3].Duplicate));
        Assert.Equal(["hello", "other", "hello"], (await Store.RoomAsync("lobby", 0, long.MaxValue, 10)).Select(m => m.Text));
    }

    [Fact]
    public async Task Room_NewestInRangeOldestFirst_OperatorLinesIncluded_PrivateAndOtherRoomsLeftOut()
    {
        await Store.AppendAsync(
        [
            Say("one"),
            new Draft(MessageKind.Private, null, "alice", "bob", "secret"),
            new Draft(MessageKind.Room, "dev", "bob", null, "elsewhere"),
            new Draft(MessageKind.Announcement, null, "server", null, "notice"),
            Say("two"),
            Say("three"),
        ], Now, []);

        Assert.Equal(["notice", "two", "three"], (await Store.RoomAsync("LOBBY", 0, long.MaxValue, 3)).Select(m => m.Text));
        Assert.Equal(["one", "notice"], (await Store.RoomAsync("lobby", 0, 5, 10)).Select(m => m.Text));
        Assert.Equal(["two", "three"], (await Store.RoomAsync("lobby", 4, long.MaxValue, 10)).Select(m => m.Text));
        Assert.Equal(["elsewhere", "notice"], (await Store.RoomAsync("dev", 0, long.MaxValue, 10)).Select(m => m.Text));
    }

    [Fact]
    public async Task RoomForward_OldestInRangeFirst_IdAt_TheFirstIdStoredAtOrAfterATime()
    {
        await Store.AppendAsync([Say("one"), Say("two")], Now, []);
        await Store.AppendAsync([new Draft(MessageKind.Announcement, null, "server", null, "notice"), Say("three")], Now.AddMinutes(1), []);
        await Store.AppendAsync([Say("four")], Now.AddMinutes(2), []);

        Assert.Equal(["one", "two"], (await Store.RoomForwardAsync("lobby", 0, long.MaxValue, 2)).Select(m => m.Text));
        Assert.Equal(["notice", "three"], (await Store.RoomForwardAsync("LOBBY", 2, 5, 10)).Select(m => m.Text));
        Assert.Equal(1, await Store.IdAtAsync(Now.AddHours(-1)));
        Assert.Equal(3, await Store.IdAtAsync(Now.AddSeconds(30)));
        Assert.Equal(5, await Store.IdAtAsync(Now.AddMinutes(2)));
        Assert.Equal(6, await Store.IdAtAsync(Now.AddHours(1)));
    }

    [Fact]
    public async Task Moderation_EveryEntryKeptInOrder_InItsRoomsHistory_NeverPrunedFromWhatAStartApplies_AClaimInNoRoom()
    {
        await Store.AppendAsync(
        [
            new ModerationRecord(SocketChat.Protocol.Events.ModerationActions.Owner, "den", "alice", "alice").ToDraft(),
            Say("hi", room: "den"),
            new ModerationRecord(SocketChat.Protocol.Events.ModerationActions.Topic, "den", "alice", null, "welcome").ToDraft(),
            new ModerationRecord(SocketChat.Protocol.Events.ModerationActions.Ban, null, "root", "*!*@192.0.2.7", ByOperator: true).ToDraft(),
        ], Now.AddDays(-30), []);

        Assert.Equal(["hi", "topic"], (await Store.RoomAsync("den", 0, long.MaxValue, 10)).Select(m => m.Kind == MessageKind.Moderation ? ModerationRecord.Of(m)!.Action : m.Text));

        // Retention may trim a room's history (Redis and memory do, past them), never the entries a start applies.
        Store.Prune(Now, maxPerRoom: 1);

        var kept = Store.Moderation();
        Assert.Equal([(1L, "owner", "den"), (3L, "topic", "den"), (4L, "ban", (string?)null)], kept.Select(entry => (entry.Id, ModerationRecord.Of(entry)!.Action, ModerationRecord.Of(entry)!.Room)));
    }

    [Fact]
    public async Task Search_EveryWordAnyCaseAccentsAside_TheAskersRoomsAndPrivateLines_NewestFirst()
    {
        await Store.AppendAsync(
        [
            Say("The Café opens at nine"),
            Say("café opens too", room: "dev"),
            Say("cafe closed"),
            new Draft(MessageKind.Private, null, "bob", "alice", "it opens: the CAFE!"),
            new Draft(MessageKind.Private, null, "bob", "carol", "cafe opens"),
            Say("cafeteria opens"),
            Say("the cafe opens later"),
        ], Now, []);

        var words = SearchWords.Of("cafe, Opens");

        // Alike whether a store's index (where it keeps one) has them yet or not.
        for (var indexed = false; ; indexed = true)
        {
            var found = await Store.SearchAsync(["lobby"], "alice", words, long.MaxValue, 10);
            Assert.Equal(["the cafe opens later", "it opens: the CAFE!", "The Café opens at nine"], found.Select(m => m.Text));
            Assert.Equal(["The Café opens at nine"], (await Store.SearchAsync(["lobby"], "alice", words, found[1].Id, 10)).Select(m => m.Text));
            Assert.Equal(["the cafe opens later"], (await Store.SearchAsync(["LOBBY"], "nobody", words, long.MaxValue, 1)).Select(m => m.Text));
            Assert.Empty(await Store.SearchAsync([], "nobody", words, long.MaxValue, 10));
            if (indexed || Store is not ISearchIndexed index)
            {
                break;
            }

            index.IndexNewMessages();
            Assert.Equal(Store.LastId, index.IndexedUpTo);
        }
    }

    // One order: a line judged before an entry that can restrict it (in its room, or server-wide) was stored is not
    // stored but answered stale, with that entry's id; so is whatever its connection sends after it in the batch. An
    // entry that restricts nothing, another room's, or a line judged after it, does not matter.
    [Fact]
    public async Task ALineJudgedBeforeARestrictionStoredAheadOfIt_Stale_ItsConnectionsLaterDraftsToo()
    {
        var judged = (await Store.AppendAsync([Say("before")], Now, []))[0].Message.Id;
        var restricting = new ModerationRecord(ModerationActions.Mute, "lobby", "alice", "bob!*@*").ToDraft();
        var results = await Store.AppendAsync(
        [
            Say("judged before, other room", room: "dev") with { JudgedAt = judged, Origin = 7 },
            restricting,
            Say("judged before") with { JudgedAt = judged, Origin = 5 },
            Say("its next, judged later") with { JudgedAt = long.MaxValue - 1, Origin = 5 },
            Say("someone else's, judged before") with { JudgedAt = judged, Origin = 6 },
        ], Now, []);
        var mute = results[1].Message.Id;

        Assert.Equal([0, 0, mute, mute, mute], results.Select(result => result.StaleAfter));
        Assert.True(results[0].Message.Id > judged);
        var later = await Store.AppendAsync(
        [
            Say("judged after it") with { JudgedAt = mute, Origin = 5 },
            Say("judged before it, a batch later") with { JudgedAt = judged, Origin = 6 },
            new ModerationRecord(ModerationActions.Topic, "lobby", "alice", null, "news").ToDraft(),
            Say("judged before the topic") with { JudgedAt = mute, Origin = 8 },
        ], Now, []);

        Assert.Equal([0, mute, 0, 0], later.Select(result => result.StaleAfter));
        Assert.Equal(["before", "judged after it", "judged before the topic"], (await Store.RoomAsync("lobby", 0, long.MaxValue, 10)).Where(m => m.Kind == MessageKind.Room).Select(m => m.Text));
    }

    // A snapshot of every rule is given back ahead of the moderation entries after it; one older than the kept one
    // never replaces it; the entries it holds go with the messages of their time, those after it stay.
    [Fact]
    public async Task ModerationSnapshot_GivenBackAheadOfTheEntriesAfterIt_ThoseItHoldsPrunedWithTheirTime()
    {
        var old = Now.AddDays(-10);
        var before = await Store.AppendAsync([new ModerationRecord(ModerationActions.Topic, "lobby", "alice", null, "one").ToDraft(), Say("old line")], old, []);
        var held = before[0].Message.Id;
        var after = await Store.AppendAsync([new ModerationRecord(ModerationActions.Topic, "lobby", "alice", null, "two").ToDraft()], old, []);
        await Store.SaveModerationSnapshotAsync(held, "{\"rules\":1}");
        await Store.SaveModerationSnapshotAsync(held - 1, "{\"older\":1}");

        var kept = Store.Moderation();
        Assert.Equal([held, after[0].Message.Id], kept.Select(entry => entry.Id));
        Assert.Equal((ModerationRecord.Snapshot, "{\"rules\":1}"), (ModerationRecord.Of(kept[0])!.Action, ModerationRecord.Of(kept[0])!.Text));
        Assert.Equal("two", ModerationRecord.Of(kept[1])!.Text);

        Store.Prune(Now.AddDays(-1), null);
        Assert.Equal([held, after[0].Message.Id], Store.Moderation().Select(entry => entry.Id));
    }

    // A store with an index (SQLite's) finds what it has indexed and the newer tail it has not, newest first, once each.
    [Fact]
    public async Task Search_PartlyIndexed_FindsTheIndexedAndTheNewerTail_NewestFirst_OnceEach()
    {
        await Store.AppendAsync([.. Enumerable.Range(1, 6).Select(n => Say($"alpha {n}")), Say("beta", room: "dev")], Now, []);
        (Store as ISearchIndexed)?.IndexNewMessages();
        await Store.AppendAsync([.. Enumerable.Range(7, 4).Select(n => Say($"alpha {n}")), new Draft(MessageKind.Private, null, "bob", "alice", "alpha private")], Now, []);

        var found = await Store.SearchAsync(["lobby"], "alice", ["alpha"], long.MaxValue, 20);
        Assert.Equal(["alpha private", .. Enumerable.Range(1, 10).Reverse().Select(n => $"alpha {n}")], found.Select(m => m.Text));
        Assert.Equal(["alpha private", "alpha 10", "alpha 9"], (await Store.SearchAsync(["lobby"], "alice", ["alpha"], long.MaxValue, 3)).Select(m => m.Text));
        Assert.Equal(["alpha 6", "alpha 5"], (await Store.SearchAsync(["lobby"], "alice", ["alpha"], found[4].Id, 2)).Select(m => m.Text));
        Assert.Empty(await Store.SearchAsync(["lobby"], "alice", ["beta"], long.MaxValue, 20));
    }

    [Fact]
    public async Task Private_ANicknamesConversations_EitherWay_NewestInRangeOldestFirst_OrForward_WithOnePeer()
    {
        await Store.AppendAsync(
        [
            new Draft(MessageKind.Private, null, "bob", "Alice", "1 bob to alice"),
            Say("2 in the lobby"),
            new Draft(MessageKind.Private, null, "alice", "carol", "3 alice to carol"),
            new Draft(MessageKind.PrivateNotice, null, "alice", "bob", "4 alice to bob"),
            new Draft(MessageKind.Private, null, "bob", "carol", "5 bob to carol"),
            new Draft(MessageKind.Private, null, "alice", "alice", "6 alice to herself"),
        ], Now, []);

        Assert.Equal(["1 bob to alice", "3 alice to carol", "4 alice to bob", "6 alice to herself"], (await Store.PrivateAsync("ALICE", null, 0, long.MaxValue, 10)).Select(m => m.Text));
        Assert.Equal(["4 alice to bob", "6 alice to herself"], (await Store.PrivateAsync("alice", null, 0, long.MaxValue, 2)).Select(m => m.Text));
        Assert.Equal(["3 alice to carol", "4 alice to bob"], (await Store.PrivateAsync("alice", null, 1, 6, 2, forward: true)).Select(m => m.Text));
        Assert.Equal(["1 bob to alice", "4 alice to bob"], (await Store.PrivateAsync("alice", "Bob", 0, long.MaxValue, 10)).Select(m => m.Text));
        Assert.Equal(["1 bob to alice"], (await Store.PrivateAsync("alice", "bob", 0, 4, 10)).Select(m => m.Text));
        Assert.Empty(await Store.PrivateAsync("dave", null, 0, long.MaxValue, 10));
    }

    [Fact]
    public async Task AccountState_KeptByKey_ReplacedWhole_PerAccountAnyCase()
    {
        Assert.Empty(await Store.AccountStateAsync("alice"));
        await Store.SaveAccountStateAsync("alice", "device:laptop", "41");
        await Store.SaveAccountStateAsync("Alice", "read:lobby", "7 2026-11-27T12:00:00.000Z");
        await Store.SaveAccountStateAsync("alice", "device:laptop", "42");
        await Store.SaveAccountStateAsync("bob", "device:laptop", "1");

        var state = await Store.AccountStateAsync("ALICE");
        Assert.Equal(2, state.Count);
        Assert.Equal("42", state["device:laptop"]);
        Assert.Equal("7 2026-11-27T12:00:00.000Z", state["read:lobby"]);
    }

    [Fact]
    public async Task Append_Presence_PassedThroughInItsPlace_NotKeptAndGivenNoId()
    {
        var results = await Store.AppendAsync([Say("before"), StoredMessage.Presence(SocketChat.Protocol.Events.PresenceAction.Rename, "lobby", "alicia", "alice"), Say("after")], Now, []);

        Assert.Equal([1L, 0L, 2L], results.Select(result => result.Message.Id));
        Assert.Equal(new SocketChat.Protocol.Events.PresenceEvent(Now, "lobby", "alicia", SocketChat.Protocol.Events.PresenceAction.Rename, "alice"), results[1].Message.ToPresenceEvent());
        Assert.Equal(["before", "after"], (await Store.RoomAsync("lobby", 0, long.MaxValue, 10)).Select(m => m.Text));
        Assert.Equal(2, Store.LastId);
    }

    [Fact]
    public async Task Identities_SavedWithTheBatch_FoundByToken_EndedOnesGone()
    {
        await Store.AppendAsync([], Now, [new IdentityRecord("tok", "alice", "lobby", Now), new IdentityRecord("gone", "bob", "dev", Now)]);
        await Store.AppendAsync([], Now, [new IdentityRecord("gone", string.Empty, string.Empty, Now, Ended: true)]);

        Assert.Equal(new IdentityRecord("tok", "alice", "lobby", Now), await Store.FindIdentityAsync("tok"));
        Assert.Null(await Store.FindIdentityAsync("gone"));
    }

    [Fact]
    public async Task Prune_OlderThanTheCutoffAndBeyondTheNewestPerRoom_Deleted()
    {
        await Store.AppendAsync([Say("old")], Now.AddDays(-10), []);
        await Store.AppendAsync([Say("older than five days")], Now.AddDays(-6), []);
        await Store.AppendAsync([Say("recent"), Say("newest")], Now.AddDays(-1), []);

        Assert.Equal(2, Store.Prune(Now.AddDays(-5), maxPerRoom: null));
        Assert.Equal(1, Store.Prune(before: null, maxPerRoom: 1));
        Assert.Equal(["newest"], (await Store.RoomAsync("lobby", 0, long.MaxValue, 10)).Select(m => m.Text));
    }

    [Fact]
    public async Task Export_TheRoomsMessagesSinceATime_OldestFirst()
    {
        await Store.AppendAsync([Say("before")], Now.AddHours(-2), []);
        await Store.AppendAsync([Say("after"), new Draft(MessageKind.Room, "dev", "bob", null, "elsewhere"), Say("last")], Now, []);

        Assert.Equal(["after", "last"], Store.Export("lobby", Now.AddHours(-1)).Select(m => m.Text));
    }

    [Fact]
    public async Task Tail_FollowsWhatEveryWriterAppends_InLogOrder_EachOnce_ThenEnds_WhenStopped()
    {
        // A store of one server has no tail: its log's writer hands what it stored to the reader (LogReaderTests).
        if (Tail(Store) is not { } tail)
        {
            Assert.Null(Another());
            return;
        }

        using var other = Another()!;
        other.Open();
        var committed = System.Threading.Channels.Channel.CreateUnbounded<IReadOnlyList<StoredMessage>>();
        using var stopping = new CancellationTokenSource();
        var following = tail.FollowAsync(committed.Writer, new StoreHealth(), stopping.Token);

        var appended = new List<StoredMessage>();
        for (var round = 0; round < 5; round++)
        {
            appended.AddRange((await Store.AppendAsync([Say($"here {round}"), Say($"here {round}b")], Now, [])).Select(result => result.Message));
            appended.AddRange((await other.AppendAsync([Say($"there {round}")], Now, [])).Select(result => result.Message));
        }

        var followed = new List<StoredMessage>();
        while (followed.Count < appended.Count)
        {
            followed.AddRange(await committed.Reader.ReadAsync().AsTask().WaitAsync(TestSupport.TestTimeouts.Default));
        }

        await stopping.CancelAsync();
        await following.WaitAsync(TestSupport.TestTimeouts.Default);
        Assert.Equal(appended.Select(message => (message.Id, message.Text)), followed.Select(message => (message.Id, message.Text)));
        Assert.Equal(appended.Select(message => message.Id).Order(), followed.Select(message => message.Id));
        Assert.True(committed.Reader.Completion.IsCompleted);
    }

    private protected abstract IMessageStore Create();

    // A store that others append to as well (cluster mode): its tail; null for a store of one server.
    private protected virtual ILogTail? Tail(IMessageStore store) => null;

    // Another server's store on the same log; null for a store of one server.
    private protected virtual IMessageStore? Another() => null;

    private protected static Draft Say(string text, string? token = null, string? cid = null, string room = "lobby") =>
        new(MessageKind.Room, room, "alice", null, text, token, cid);

    private IMessageStore Opened()
    {
        var store = Create();
        store.Open();
        return store;
    }
}
