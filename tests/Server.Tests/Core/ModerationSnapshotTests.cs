using SocketChat.Protocol.Events;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Core;

// A start needs only every room's current rules: the reader keeps a snapshot of them every so many moderation
// entries, a store gives it back ahead of the entries after it, and what it holds is the same rules again.
public sealed class ModerationSnapshotTests : IAsyncDisposable
{
    private readonly RoomsHarness _core = new();

    [Fact]
    public async Task EverySoManyEntries_ASnapshotIsKept_AStartFromItKnowsTheSameRules()
    {
        var expires = _core.Clock.GetUtcNow().AddDays(1);
        ModerationRecord[] rules =
        [
            new(ModerationActions.Owner, "den", "alice", "alice"),
            new(ModerationActions.Topic, "den", "alice", null, "the plan"),
            new(ModerationActions.Mode, "den", "alice", null, "+k sesame"),
            new(ModerationActions.Mode, "den", "alice", null, "+l 20"),
            new(ModerationActions.Mode, "den", "alice", null, "+i"),
            new(ModerationActions.Invite, "den", "alice", "bob"),
            new(ModerationActions.Voice, "den", "alice", "carol"),
            new(ModerationActions.Ban, "den", "alice", "mallory!*@*", Expires: expires),
            new(ModerationActions.Ban, null, "root", "*!*@192.0.2.0/24", ByOperator: true),
            new(ModerationActions.Mute, null, "root", "$a:eve", ByOperator: true),
        ];
        foreach (var record in rules)
        {
            await _core.ModerateAsync(record);
        }

        // Up to the snapshot's count, in mode changes.
        for (var n = rules.Length; n < LogReader.SnapshotEvery + 5; n++)
        {
            await _core.ModerateAsync(new ModerationRecord(ModerationActions.Mode, "dev", "root", null, n % 2 == 0 ? "+m" : "-m", ByOperator: true));
        }

        await _core.Log.WhenDeliveredAsync(_core.Store.LastId).WaitAsync(TestTimeouts.Default);
        await WaitForSnapshotAsync();
        var kept = _core.Store.Moderation();
        Assert.Equal(ModerationRecord.Snapshot, ModerationRecord.Of(kept[0])!.Action);
        Assert.True(kept.Count < 10, $"{kept.Count} entries kept beside the snapshot");

        var started = new Moderation(Microsoft.Extensions.Options.Options.Create(new Configuration.ChatOptions()), _core.Clock);
        foreach (var entry in kept)
        {
            started.Apply(entry, ModerationRecord.Of(entry)!);
        }

        var den = started.Rules("den");
        Assert.Equal(("the plan", "alice"), (den.Topic, den.TopicBy));
        Assert.Equal("+intkl sesame 20", den.ModeString(withKey: true));
        Assert.True(den.EverOwned);
        Assert.True(den.IsOperator("ALICE"));
        Assert.Equal(RoomRole.Voice, den.RoleOf("carol"));
        Assert.Contains("BOB", den.Invited);
        Assert.Equal([("mallory!*@*", expires.ToUnixTimeMilliseconds())], den.Bans.Select(ban => (ban.Mask, ban.Expires!.Value.ToUnixTimeMilliseconds())));
        Assert.Equal(["*!*@192.0.2.0/24"], started.Server.Bans.Select(ban => ban.Mask));
        Assert.Equal(["$a:eve"], started.Server.Mutes.Select(mute => mute.Mask));
        Assert.Equal(_core.Moderation.Rules("dev").Modes, started.Rules("dev").Modes);
    }

    private async Task WaitForSnapshotAsync()
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (_core.Store.Moderation() is not [{ } first, ..] || ModerationRecord.Of(first)?.Action != ModerationRecord.Snapshot)
        {
            Assert.True(DateTime.UtcNow < deadline, "no snapshot was kept");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync() => await _core.DisposeAsync();
}
