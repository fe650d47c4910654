using SocketChat.Protocol.Events;

namespace SocketChat.Server.Irc;

// An IRC reply made whole by the command handler (a numeric, PONG, ERROR), for an IRC connection alone.
// Line: The line without CR LF, its source included.
internal sealed record IrcLineEvent(string Line) : ServerEvent;

// labeled-response: the start (End false) or end of the replies to a line its client labelled; the writer gathers
// what comes between (ChatSession.Send's replies alone) and writes it with the label.
internal sealed record IrcLabelEvent(string Label, bool End) : ServerEvent;
