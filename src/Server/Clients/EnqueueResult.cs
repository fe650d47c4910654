namespace SocketChat.Server.Clients;

internal enum EnqueueResult
{
    Queued,

    /// <summary>The client is not reading fast enough; it must be dropped.</summary>
    Full,

    /// <summary>The connection is closing; nothing more is sent.</summary>
    Closed,
}
