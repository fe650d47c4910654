using SocketChat.Hosting.Options;

namespace SocketChat.Server.Listening;

/// <summary>The listen socket could not be bound; the message says where and why, for one line on stderr.</summary>
internal sealed class ListenException(string message, Exception inner) : Exception(message, inner), IReportedAtStartup;
