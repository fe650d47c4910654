using Microsoft.Data.Sqlite;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Storage;

// The store contract on SQLite: a file of its own per test.
public sealed class SqliteStoreContractTests : MessageStoreContract
{
    private readonly TempDirectory _data = new();

    private protected override void Disposed()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private protected override IMessageStore Create() => new SqliteMessageStore(_data.File("messages.db"));
}
