using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

/// <summary>
/// An entry of the log that changes who is where: the log reader applies it in its place among the messages
/// (<see cref="LogReader.ChangeAsync"/>), and what it applied at is the session's history boundary.
/// </summary>
internal abstract record RoomChange
{
    internal TaskCompletionSource<RoomChanged> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// A registered session enters <paramref name="Room"/> (none: an IRC connection, which joins channels itself).
/// <paramref name="Displaced"/>, a connection whose name it took over, leaves its rooms first, the rooms told unless
/// <paramref name="Quietly"/> (a resume replacing its own half-open connection); with <paramref name="FollowDisplaced"/>
/// the session enters the room the displaced one was in, if any.
/// </summary>
internal sealed record Arrive(ChatSession Session, string? Room, ChatSession? Displaced = null, bool Quietly = false, bool FollowDisplaced = false) : RoomChange;

/// <summary>Out of every room it is in, into <paramref name="Room"/> (text and JSON connections are in one room).</summary>
internal sealed record Move(ChatSession Session, string Room) : RoomChange;

/// <summary>Into one more room (IRC); nothing when it is in it already.</summary>
internal sealed record JoinRoom(ChatSession Session, string Room) : RoomChange;

/// <summary>Out of one of its rooms (IRC), the others kept.</summary>
internal sealed record PartRoom(ChatSession Session, string Room, string? Reason) : RoomChange;

/// <summary>Its rooms hear it is now known by its new nickname, <paramref name="OldNick"/> before.</summary>
internal sealed record Rename(ChatSession Session, string OldNick) : RoomChange;

/// <summary>
/// Out of every room: it disconnected (<paramref name="Disconnected"/>, with <paramref name="Reason"/>) or is
/// registered again in another mode. While the server stops (<paramref name="Shutdown"/>) only the other servers are
/// told: this one's members hear the shutdown notice instead.
/// </summary>
internal sealed record Depart(ChatSession Session, string? Reason, bool Disconnected, bool Shutdown = false) : RoomChange;

/// <summary>Cluster mode: a member of another server whose lease lapsed (that server died or lost Redis) left.</summary>
internal sealed record Lapsed(string Room, string Nick, string Reason) : RoomChange;

/// <summary>
/// What a change did: the log's position when it applied (everything up to it is history, everything after it
/// live), the room entered (null: none) and the rooms left.
/// </summary>
internal sealed record RoomChanged(long Position, string? Joined, IReadOnlyList<string> Left);
