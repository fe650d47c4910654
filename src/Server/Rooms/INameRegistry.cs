namespace SocketChat.Server.Rooms;

// Nicknames and room members across every server sharing a log. On one server the RoomDirectory
// alone decides (LocalNames); in a cluster a nickname is claimed in Redis for an owner first
// (Cluster/RedisNames), under a lease its node renews, so a node that dies lets its users' names go.
// Nothing here is called under a lock, and nothing holds a thread while Redis answers.
internal interface INameRegistry
{
    // True when names and members are shared with other servers.
    bool Shared { get; }

    // A guest nickname nobody in the cluster has, claimed for owner; null: the directory picks one.
    ValueTask<string?> ClaimGuestAsync(string owner);

    // Claims nick for owner; false when someone else has it (an owner may claim again).
    ValueTask<bool> TryClaimAsync(string nick, string owner);

    // Lets nick go, if owner still has it; sent without waiting for an answer.
    void Release(string nick, string owner);

    // The nickname's spelling when someone in the cluster has it; null when nobody does (or on one server).
    ValueTask<string?> FindAsync(string nick);

    // Every member of a room across the cluster, sorted; null on one server (the room itself knows).
    ValueTask<string[]?> MembersAsync(string room);

    // Records nick in room and out of left (either may be null); sent without waiting.
    void Moved(string nick, string? left, string? room);

    // Keeps this server's claims and memberships alive for another lease; returns the members of those rooms whose
    // lease lapsed (their server died or lost Redis for longer), each to one server only, taken out as it is told.
    Task<IReadOnlyList<(string Room, string Nick)>> RenewAsync(IReadOnlyList<(string Nick, string Owner, string[] Rooms)> held);
}
