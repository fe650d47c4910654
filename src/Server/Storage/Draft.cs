namespace SocketChat.Server.Storage;

/// <summary>
/// A message before it is stored: the store gives it its id and time. <paramref name="SenderToken"/> with
/// <paramref name="Cid"/> identifies a line across resends: appending it again returns the first one.
/// <paramref name="Origin"/> is the connection it came from on this server (0 for the operator), kept in memory only,
/// so the sender is not sent its own line. A draft without a client id gets <see cref="Sequence"/> from the log when
/// it is queued, once: a batch tried again after an error whose reply was lost carries the same key, so a store
/// shared by several processes recognises it instead of storing it twice.
/// </summary>
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
    /// <summary>This process's number for a draft without a client id (0 until the log queues it).</summary>
    public long Sequence { get; init; }
}
