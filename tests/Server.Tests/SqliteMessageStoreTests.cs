using Microsoft.Data.Sqlite;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class SqliteMessageStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    // The search index is only an index: a file that cannot be read (a power cut mid-write) is made anew from the store,
    // and the index catches up; it never stops the store from opening.
    [Fact]
    public async Task SearchIndex_Damaged_MadeAgain_FindsWhatTheStoreHolds()
    {
        using (var first = Open())
        {
            await first.AppendAsync([Message("the cafe opens"), Message("closed")], Now, []);
            first.IndexNewMessages();
        }

        SqliteConnection.ClearAllPools();
        File.WriteAllText(_data.File("messages.search.db"), "not a database at all, not even close to one");
        using var again = Open();
        Assert.Equal(0, again.IndexedUpTo);
        Assert.Equal(2, again.IndexNewMessages());
        Assert.Equal(2, again.IndexedUpTo);
        Assert.Equal(["the cafe opens"], (await again.SearchAsync(["lobby"], "nobody", ["cafe"], long.MaxValue, 10)).Select(message => message.Text));
    }

    [Fact]
    public async Task Reopened_LastIdKept_SchemaNotMigratedTwice_PagesOldestFirst_ClientIdsStillRecognised()
    {
        using (var first = Open())
        {
            await first.AppendAsync([Message("a"), Message("b"), Message("c")], Now, [new IdentityRecord("tok", "alice", "lobby", Now)]);
        }

        using var again = Open();

        Assert.Equal(3, again.LastId);
        Assert.Equal(["b", "c"], (await again.RoomAsync("LOBBY", 0, long.MaxValue, 2)).Select(m => m.Text));
        Assert.Equal(["a"], (await again.RoomAsync("lobby", 0, 2, 10)).Select(m => m.Text));
        Assert.Equal(new IdentityRecord("tok", "alice", "lobby", Now), await again.FindIdentityAsync("tok"));
        await again.AppendAsync([new Draft(MessageKind.Room, "lobby", "alice", null, "x", "tok", "c1")], Now, []);
        Assert.True((await again.AppendAsync([new Draft(MessageKind.Room, "lobby", "alice", null, "x", "tok", "c1")], Now, []))[0].Duplicate);
        Assert.Equal(4, again.LastId);
    }

    [Fact]
    public async Task TwoWritersOnOneFile_TheIdIsTaken_FailsWithItsRealReason_NotAsAResentLine()
    {
        using var first = Open();
        using var second = Open();
        await first.AppendAsync([new Draft(MessageKind.Room, "lobby", "alice", null, "one", "tok-a", "c1")], Now, []);

        // The second still thinks the next id is 1: the insert conflicts on the id, not on a client id.
        var failure = await Assert.ThrowsAsync<SqliteException>(async () =>
            await second.AppendAsync([new Draft(MessageKind.Room, "lobby", "bob", null, "two", "tok-b", "c1")], Now, []));

        Assert.Contains("UNIQUE constraint failed: messages.id", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SchemaFromANewerVersion_Refused()
    {
        using (var first = Open())
        {
        }

        using (var connection = new SqliteConnection($"Data Source={_data.File("messages.db")};Pooling=False"))
        {
            connection.Open();
            using var bump = connection.CreateCommand();
            bump.CommandText = "UPDATE schema_version SET version = 99";
            bump.ExecuteNonQuery();
        }

        var failure = Assert.Throws<StorageException>(Open);

        Assert.Equal($"cannot use {_data.File("messages.db")} as the message store: it has schema version 99, from a newer SocketChat (this one knows up to {SocketChat.Server.Storage.SqliteSchema.Current})", failure.Message);
    }

    [Fact]
    public void DirectoryCannotBeCreated_OneClearError()
    {
        File.WriteAllText(_data.File("blocker"), "a file where the directory should be");
        using var store = new SqliteMessageStore(Path.Combine(_data.File("blocker"), "messages.db"));

        var failure = Assert.Throws<StorageException>(store.Open);

        Assert.StartsWith($"cannot use {Path.Combine(_data.File("blocker"), "messages.db")} as the message store: ", failure.Message, StringComparison.Ordinal);
    }

    private SqliteMessageStore Open()
    {
        var store = new SqliteMessageStore(_data.File("messages.db"));
        store.Open();
        return store;
    }

    private static Draft Message(string text) => new(MessageKind.Room, "lobby", "alice", null, text);
}
