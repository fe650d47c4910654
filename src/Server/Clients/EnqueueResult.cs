namespace SocketChat.Server.Clients;

internal enum EnqueueResult
{
    Queued,

    // The client is not reading fast enough; it must be dropped.
    Full,

    // The connection is closing; nothing more is sent.
    Closed,
}
