namespace SocketChat.Server.Rooms;

/// <summary>
/// Nicknames and room members across every server sharing a log. On one server the <see cref="RoomDirectory"/>
/// alone decides (<see cref="LocalNames"/>); in a cluster a nickname is claimed in Redis for an owner first
/// (<see cref="RedisNames"/>), under a lease its node renews, so a node that dies lets its users' names go.
/// No method is called under a lock: each may be a round trip to Redis.
/// </summary>
internal interface INameRegistry
{
    /// <summary>True when names and members are shared with other servers.</summary>
    bool Shared { get; }

    /// <summary>A guest nickname nobody in the cluster has, claimed for <paramref name="owner"/>; null: the directory picks one.</summary>
    string? ClaimGuest(string owner);

    /// <summary>Claims <paramref name="nick"/> for <paramref name="owner"/>; false when someone else has it (an owner may claim again).</summary>
    bool TryClaim(string nick, string owner);

    /// <summary>Gives <paramref name="nick"/> to <paramref name="owner"/> whoever had it: this server knows the holder is its own (a login taking its account over).</summary>
    void ForceClaim(string nick, string owner);

    /// <summary>Lets <paramref name="nick"/> go, if <paramref name="owner"/> still has it.</summary>
    void Release(string nick, string owner);

    /// <summary>The nickname's spelling when someone in the cluster has it; null when nobody does (or on one server).</summary>
    string? Find(string nick);

    /// <summary>Every member of a room across the cluster, sorted; null on one server (the room itself knows).</summary>
    string[]? Members(string room);

    /// <summary>Records <paramref name="nick"/> in <paramref name="room"/> (or, with a null room, out of <paramref name="left"/>).</summary>
    void Moved(string nick, string? left, string? room);

    /// <summary>Keeps this server's claims and memberships alive for another lease.</summary>
    void Renew(IReadOnlyList<(string Nick, string Owner, string? Room)> held);
}
