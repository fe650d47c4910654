namespace SocketChat.Server.Connections;

// What an idle connection is due: see IdleWatch.Check.
internal enum IdleStep
{
    None,
    Ping,
    Close,
}
