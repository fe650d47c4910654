using SocketChat.Protocol.Events;

namespace SocketChat.Server.Storage;

// A message as kept: a room message, a private one, or an operator announcement. SenderToken (the resume
// token of the JSON client that sent it) with Cid is what makes a resend exactly-once.
internal sealed record StoredMessage(
    long Id,
    DateTimeOffset Timestamp,
    MessageKind Kind,
    string? Room,
    string From,
    string? To,
    string Text,
    string? SenderToken = null,
    string? Cid = null)
{
    // The connection on this server that sent it (0: the operator, or read back from the store); not stored.
    public long Origin { get; init; }

    // Read again at start to rebuild moderation (a node's rooms, roles and bans), not delivered; not stored.
    public bool Replayed { get; init; }

    // Appended on this server (a cluster's log also holds the others'); not stored.
    public bool Local { get; init; }

    // True when it went between nick and peer, either way (a private message of their conversation).
    public bool IsBetween(string nick, string peer) =>
        (string.Equals(From, nick, StringComparison.OrdinalIgnoreCase) && string.Equals(To, peer, StringComparison.OrdinalIgnoreCase))
        || (string.Equals(From, peer, StringComparison.OrdinalIgnoreCase) && string.Equals(To, nick, StringComparison.OrdinalIgnoreCase));

    public static StoredMessage Of(Draft draft, long id, DateTimeOffset timestamp) =>
        new(id, timestamp, draft.Kind, draft.Room, draft.From, draft.To, draft.Text, draft.SenderToken, draft.Cid) { Origin = draft.Origin, Local = true };

    public RoomMessageEvent ToRoomEvent(bool history = false) => new(Id, Timestamp, Room ?? string.Empty, From, Text, history) { Notice = Kind == MessageKind.Notice };

    public PrivateMessageEvent ToPrivateEvent() => new(Id, Timestamp, From, To ?? string.Empty, Text) { Notice = Kind == MessageKind.PrivateNotice };

    public AnnouncementEvent ToAnnouncement(bool history = false) => new(Id, Timestamp, Text, history);

    // A presence entry (MessageKind.Presence): the nickname is From, the action Text, the old nickname To.
    public PresenceEvent ToPresenceEvent() => new(Timestamp, Room ?? string.Empty, From, Enum.Parse<PresenceAction>(Text), To);

    // The log entry for a presence notice; actor (the connection that caused it, told directly) is not sent it again.
    public static Draft Presence(PresenceAction action, string room, string nick, string? oldNick = null, long actor = 0) =>
        new(MessageKind.Presence, room, nick, oldNick, action.ToString(), Origin: actor);

    // As export writes it: a room message, or a moderation action.
    public ServerEvent ToExportEvent() =>
        Kind == MessageKind.Moderation && ModerationRecord.Of(this) is { } action ? action.ToEvent(Id, Timestamp) : ToRoomEvent();

    // As shown in a room's history: a room message, or an operator line (said to every room).
    public ServerEvent ToHistoryEvent() => Kind switch
    {
        MessageKind.Announcement => ToAnnouncement(history: true),
        MessageKind.Moderation when ModerationRecord.Of(this) is { } action => action.ToEvent(Id, Timestamp, history: true),
        _ => ToRoomEvent(history: true),
    };
}
