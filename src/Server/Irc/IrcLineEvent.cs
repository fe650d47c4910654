using SocketChat.Protocol.Events;

namespace SocketChat.Server.Irc;

// An IRC reply made whole by the command handler (a numeric, PONG, ERROR), for an IRC connection alone.
// Line: The line without CR LF, its source included.
internal sealed record IrcLineEvent(string Line) : ServerEvent;
