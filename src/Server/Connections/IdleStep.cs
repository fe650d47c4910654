namespace SocketChat.Server.Connections;

/// <summary>What an idle connection is due: see <see cref="IdleWatch.Check"/>.</summary>
internal enum IdleStep
{
    None,
    Ping,
    Close,
}
