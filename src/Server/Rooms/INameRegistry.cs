namespace SocketChat.Server.Rooms;

/// <summary>
/// Nicknames and room members across every server sharing a log. On one server the <see cref="RoomDirectory"/>
/// alone decides (<see cref="LocalNames"/>); in a cluster a nickname is claimed in Redis for an owner first
/// (Cluster/RedisNames), under a lease its node renews, so a node that dies lets its users' names go.
/// Nothing here is called under a lock, and nothing holds a thread while Redis answers.
/// </summary>
internal interface INameRegistry
{
    /// <summary>True when names and members are shared with other servers.</summary>
    bool Shared { get; }

    /// <summary>A guest nickname nobody in the cluster has, claimed for <paramref name="owner"/>; null: the directory picks one.</summary>
    ValueTask<string?> ClaimGuestAsync(string owner);

    /// <summary>Claims <paramref name="nick"/> for <paramref name="owner"/>; false when someone else has it (an owner may claim again).</summary>
    ValueTask<bool> TryClaimAsync(string nick, string owner);

    /// <summary>Gives <paramref name="nick"/> to <paramref name="owner"/> whoever had it: this server knows the holder is its own (a login taking its account over).</summary>
    ValueTask ForceClaimAsync(string nick, string owner);

    /// <summary>Lets <paramref name="nick"/> go, if <paramref name="owner"/> still has it; sent without waiting for an answer.</summary>
    void Release(string nick, string owner);

    /// <summary>The nickname's spelling when someone in the cluster has it; null when nobody does (or on one server).</summary>
    ValueTask<string?> FindAsync(string nick);

    /// <summary>Every member of a room across the cluster, sorted; null on one server (the room itself knows).</summary>
    ValueTask<string[]?> MembersAsync(string room);

    /// <summary>Records <paramref name="nick"/> in <paramref name="room"/> and out of <paramref name="left"/> (either may be null); sent without waiting.</summary>
    void Moved(string nick, string? left, string? room);

    /// <summary>
    /// Keeps this server's claims and memberships alive for another lease; returns the members of those rooms whose
    /// lease lapsed (their server died or lost Redis for longer), each to one server only, taken out as it is told.
    /// </summary>
    Task<IReadOnlyList<(string Room, string Nick)>> RenewAsync(IReadOnlyList<(string Nick, string Owner, string[] Rooms)> held);
}
