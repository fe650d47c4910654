using SocketChat.Protocol.Commands;
using SocketChat.Server.Rooms;

namespace SocketChat.Server.Sessions;

// What the door said: In (with what an account's login took over), Taken (the name is someone else's), or a refusal
// to tell the connection; Closes when the connection must go (a ban).
internal sealed record DoorAnswer(bool Admitted, InvalidCommand? Refusal = null)
{
    public static DoorAnswer In { get; } = new(Admitted: true);

    public static DoorAnswer Taken { get; } = new(Admitted: false);

    public AccountClaim? Claim { get; init; }

    public bool Closes { get; init; }

    // A resume let in holds its name's claim until it is seated (SessionDoor.Seat), then lets it go to the session.
    public IDisposable? Seating { get; init; }

    public static DoorAnswer Refused(InvalidCommand refusal) => new(Admitted: false, refusal);
}
