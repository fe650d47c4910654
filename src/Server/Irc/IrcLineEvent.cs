using SocketChat.Protocol.Events;

namespace SocketChat.Server.Irc;

/// <summary>An IRC reply made whole by the command handler (a numeric, PONG, ERROR), for an IRC connection alone.</summary>
/// <param name="Line">The line without CR LF, its source included.</param>
internal sealed record IrcLineEvent(string Line) : ServerEvent;
