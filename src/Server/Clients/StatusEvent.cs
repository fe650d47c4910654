using SocketChat.Protocol.Events;

namespace SocketChat.Server.Clients;

// What a user says of itself beyond its rooms: gone away (Text its message) or back (Text null), or a new real name.
// Told by the log reader, through the log to every node, to the connections sharing a room with it whose protocol
// shows it (IWireProtocol.Shows: IRC's away-notify and setname); never stored.
internal sealed record StatusEvent(string Nick, UserStatus What, string? Text) : ServerEvent;

internal enum UserStatus
{
    Away,
    RealName,
}
