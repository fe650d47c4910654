namespace SocketChat.Server.Configuration;

internal enum StorageProvider
{
    /// <summary>Every message in a SQLite file, kept across restarts.</summary>
    Sqlite,

    /// <summary>Nothing on disk: recent messages only, gone when the server stops.</summary>
    Memory,

    /// <summary>Cluster mode: the log, history and identities in Redis, shared by every server pointed at it.</summary>
    Redis,
}
