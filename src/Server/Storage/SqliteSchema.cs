using Microsoft.Data.Sqlite;

namespace SocketChat.Server.Storage;

// The store's schema, created and migrated by the program itself; schema_version says how far it is.
internal static class SqliteSchema
{
    // Each entry takes the schema from the version before it to its own number (index + 1). Append, never edit.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            ts INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            room TEXT COLLATE NOCASE,
            sender TEXT NOT NULL,
            recipient TEXT,
            text TEXT NOT NULL,
            sender_token TEXT,
            cid TEXT
        );
        CREATE INDEX messages_by_room ON messages (room, id);
        CREATE INDEX messages_by_time ON messages (ts);
        CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_token, cid) WHERE sender_token IS NOT NULL AND cid IS NOT NULL;
        CREATE TABLE identities (
            token TEXT PRIMARY KEY,
            nick TEXT NOT NULL,
            room TEXT NOT NULL,
            seen INTEGER NOT NULL
        );
        """,
        """
        CREATE INDEX messages_announcements ON messages (id) WHERE kind = 2;
        """,
        """
        CREATE INDEX messages_moderation ON messages (id) WHERE kind = 4;
        """,
        """
        CREATE INDEX messages_private_by_sender ON messages (sender COLLATE NOCASE, id) WHERE kind IN (1, 6);
        CREATE INDEX messages_private_by_recipient ON messages (recipient COLLATE NOCASE, id) WHERE kind IN (1, 6);
        CREATE TABLE account_state (
            account TEXT NOT NULL COLLATE NOCASE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (account, key)
        );
        """,
        """
        CREATE TABLE moderation_snapshot (
            only INTEGER PRIMARY KEY CHECK (only = 1),
            up_to INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            rules TEXT NOT NULL
        );
        """,
    ];

    public static int Current => Migrations.Length;

    public static void Migrate(SqliteConnection connection, string path)
    {
        SqliteMessageStore.Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var version = SqliteMessageStore.Scalar(connection, "SELECT coalesce(max(version), 0) FROM schema_version");
        if (version > Migrations.Length)
        {
            throw new StorageException($"cannot use {path} as the message store: it has schema version {version}, from a newer SocketChat (this one knows up to {Migrations.Length})");
        }

        if (version == Migrations.Length)
        {
            return;
        }

        // Every step still to take in one transaction: all of it or none, and one commit's writes, not one per step.
        using var transaction = connection.BeginTransaction();
        using var migrate = connection.CreateCommand();
        migrate.Transaction = transaction;
        migrate.CommandText = string.Join(";\n", Migrations.Skip((int)version)) + $"; DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ({Migrations.Length});";
        migrate.ExecuteNonQuery();
        transaction.Commit();
    }
}
