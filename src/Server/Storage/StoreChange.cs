namespace SocketChat.Server.Storage;

// What StoreHealth.Changes announces.
internal enum StoreChange
{
    // The store stopped taking messages; they wait.
    Failing,

    // It takes them again.
    Recovered,

    // Cluster mode: Redis lost its data; messages stored and not yet delivered are gone, history may have a gap.
    Lost,
}
