namespace SocketChat.Server.Configuration;

internal enum StorageProvider
{
    // Every message in a SQLite file, kept across restarts.
    Sqlite,

    // Nothing on disk: recent messages only, gone when the server stops.
    Memory,

    // Cluster mode: the log, history and identities in Redis, shared by every server pointed at it.
    Redis,
}
