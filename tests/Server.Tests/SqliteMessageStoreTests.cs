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

    [Fact]
    public void RetentionDays_OlderMessagesDeleted_NewerKept()
    {
        using var store = Open();
        store.Commit([Message(1, Now.AddDays(-10), "old"), Message(2, Now.AddDays(-6), "older than five days"), Message(3, Now.AddDays(-1), "recent")], []);

        var removed = store.Prune(Now.AddDays(-5), maxPerRoom: null);

        Assert.Equal(2, removed);
        Assert.Equal(["recent"], store.Room("lobby", 0, long.MaxValue, 10).Select(m => m.Text));
    }

    [Fact]
    public void Reopened_LastIdKept_SchemaNotMigratedTwice_PagesOldestFirst()
    {
        using (var first = Open())
        {
            first.Commit([Message(1, Now, "a"), Message(2, Now, "b"), Message(3, Now, "c")], [new IdentityRecord("tok", "alice", "lobby", Now)]);
        }

        using var again = Open();

        Assert.Equal(3, again.LastId);
        Assert.Equal(["b", "c"], again.Room("LOBBY", 0, long.MaxValue, 2).Select(m => m.Text));
        Assert.Equal(["a"], again.Room("lobby", 0, 2, 10).Select(m => m.Text));
        Assert.Equal(new IdentityRecord("tok", "alice", "lobby", Now), again.FindIdentity("tok"));
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

    private static StoredMessage Message(long id, DateTimeOffset at, string text) => new(id, at, MessageKind.Room, "lobby", "alice", null, text);
}
