namespace SocketChat.Server.Storage;

/// <summary>What <see cref="StoreHealth.Changes"/> announces.</summary>
internal enum StoreChange
{
    /// <summary>The store stopped taking messages; they wait.</summary>
    Failing,

    /// <summary>It takes them again.</summary>
    Recovered,

    /// <summary>Cluster mode: Redis lost its data; messages stored and not yet delivered are gone, history may have a gap.</summary>
    Lost,
}
