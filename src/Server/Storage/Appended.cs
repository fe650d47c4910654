using SocketChat.Protocol.Commands;

namespace SocketChat.Server.Storage;

// What appending a draft did: stored it as Message, or found it stored already under its sender's token and client
// id (Duplicate), in which case Message is the first one; or, judged again where it would go, refused (Refusal: its
// sender is told why, and it was stored nowhere). A store may also answer StaleAfter: an entry that can restrict it
// (its id) was stored after the draft was judged; the log holds it and judges it again (never past MessageLog).
internal readonly record struct Appended(StoredMessage Message, bool Duplicate)
{
    public long StaleAfter { get; init; }

    public InvalidCommand? Refusal { get; init; }

    public static Appended Stale(Draft draft, long after) => new(StoredMessage.Of(draft, 0, default), Duplicate: false) { StaleAfter = after };

    public static Appended Refused(Draft draft, InvalidCommand refusal) => new(StoredMessage.Of(draft, 0, default), Duplicate: false) { Refusal = refusal };
}
