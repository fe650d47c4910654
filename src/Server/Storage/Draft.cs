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

    // A line judged against its room's (or, private, the server's) rules: the log's position it was judged at (the
    // rules then held every entry up to it). The store refuses it as stale when an entry that can restrict it
    // (Restricts) was stored after that position: it is judged again, where it would go (MessageLog). Null: not judged.
    public long? JudgedAt { get; init; }

    // A moderation entry that can take someone's voice away in its room (or, with no room, on the server): a ban, a
    // mute, a kick, a mode, a role taken, a kill. Lines judged before it are judged again.
    public bool Restricts { get; init; }

    // Its sender is answered for it (Acknowledgements): told there, not by the judge, when it is refused.
    public bool Answered { get; init; }
}
