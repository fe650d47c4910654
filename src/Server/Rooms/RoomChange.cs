using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// An entry of the log that changes who is where: the log reader applies it in its place among the messages
// (LogReader.ChangeAsync), and what it applied at is the session's history boundary.
internal abstract record RoomChange
{
    internal TaskCompletionSource<RoomChanged> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

// A registered session enters Room (none: an IRC connection, which joins channels itself).
// Displaced, a connection whose name it took over, leaves its rooms first, the rooms told unless
// Quietly (a resume replacing its own half-open connection); with FollowDisplaced
// the session enters the room the displaced one was in, if any.
internal sealed record Arrive(ChatSession Session, string? Room, ChatSession? Displaced = null, bool Quietly = false, bool FollowDisplaced = false) : RoomChange;

// Out of every room it is in, into Room (text and JSON connections are in one room).
internal sealed record Move(ChatSession Session, string Room, string? Key = null) : RoomChange;

// Into one more room (IRC); nothing when it is in it already.
internal sealed record JoinRoom(ChatSession Session, string Room, string? Key = null) : RoomChange;

// Out of one of its rooms (IRC), the others kept.
internal sealed record PartRoom(ChatSession Session, string Room, string? Reason) : RoomChange;

// Its rooms hear it is now known by its new nickname, OldNick before.
internal sealed record Rename(ChatSession Session, string OldNick) : RoomChange;

// Out of every room: it disconnected (Disconnected, with Reason) or is
// registered again in another mode. While the server stops (Shutdown) only the other servers are
// told: this one's members hear the shutdown notice instead.
internal sealed record Depart(ChatSession Session, string? Reason, bool Disconnected, bool Shutdown = false) : RoomChange;

// Cluster mode: a member of another server whose lease lapsed (that server died or lost Redis) left.
internal sealed record Lapsed(string Room, string Nick, string Reason) : RoomChange;

// What a change did: the log's position when it applied (everything up to it is history, everything after it
// live), the room entered (null: none) and the rooms left; why the room refused it (a ban, +i, +k), and whether the
// room entered was never owned (its first member claims it).
internal sealed record RoomChanged(long Position, string? Joined, IReadOnlyList<string> Left)
{
    public SocketChat.Protocol.Commands.InvalidCommand? Refusal { get; init; }

    public bool Claimable { get; init; }

    // Another device of an account that arrived: every room it was put in, where its account is (Joined is the
    // first); empty otherwise.
    public IReadOnlyList<string> Entered { get; init; } = [];

    // The refusal is the server's (a server-wide ban): the connection is closed.
    public bool Closes { get; init; }
}

// A user says something of itself (away, back, a new real name): told to those sharing a room with it, here and on
// the other servers, in its place in the log.
internal sealed record StatusChange(ChatSession Session, StatusEvent Status) : RoomChange;
