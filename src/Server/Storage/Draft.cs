namespace SocketChat.Server.Storage;

// A message before it is stored: the store gives it its id and time. SenderToken with
// Cid identifies a line across resends: appending it again returns the first one.
// Origin is the connection it came from on this server (0 for the operator), kept in memory only,
// so the sender is not sent its own line. A draft without a client id gets Sequence from the log when
// it is queued, once: a batch tried again after an error whose reply was lost carries the same key, so a store
// shared by several processes recognises it instead of storing it twice.
internal sealed record Draft(
    MessageKind Kind,
    string? Room,
    string From,
    string? To,
    string Text,
    string? SenderToken = null,
    string? Cid = null,
    long Origin = 0)
{
    // This process's number for a draft without a client id (0 until the log queues it).
    public long Sequence { get; init; }
}
